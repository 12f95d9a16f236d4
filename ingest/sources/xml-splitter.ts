import { badUnit, type RawUnit } from './raw-unit.ts';

const EVENT_START = /<Event[\s>]/g;
const END_TAG = '</Event>';
/**
 * What may stand between events: whitespace, the XML declaration, comments, an `<Events>` wrapper, and the `-`
 * collapse marker Event Viewer's XML view puts before `<Event` (alone at the end of its line once the element is cut).
 */
const FILLER = /<\?xml[^>]*\?>|<!--[\s\S]*?-->|<\/?Events(?:\s[^>]*)?>|(?:^|(?<=\n))[ \t]*-(?=[ \t]*(?:\r?\n|$))|\s+/g;

/**
 * Splits a stream of Windows Event XML into `<Event>` elements, with or without a root element, as
 * `wevtutil qe Security /f:xml` and Windows Event Forwarding write them, or as copied from Event Viewer. Text that is not an event is
 * quarantined as `invalid-xml`; an event cut off by the end of the file as `truncated`. Pure.
 */
export class EventXmlSplitter {
  private buffer = '';
  private count = 0;
  private readonly maxRecordChars: number;

  constructor(maxRecordChars: number) {
    this.maxRecordChars = maxRecordChars;
  }

  push(text: string): RawUnit[] {
    this.buffer += text;
    const out: RawUnit[] = [];
    for (;;) {
      EVENT_START.lastIndex = 0;
      const start = EVENT_START.exec(this.buffer);
      if (!start) {
        // Keep a tail that could be the beginning of `<Event`.
        this.junk(this.buffer.slice(0, Math.max(0, this.buffer.length - 7)), out);
        this.buffer = this.buffer.slice(Math.max(0, this.buffer.length - 7));
        return out;
      }
      this.junk(this.buffer.slice(0, start.index), out);
      const end = this.buffer.indexOf(END_TAG, start.index);
      if (end < 0) {
        this.buffer = this.buffer.slice(start.index);
        if (this.buffer.length > this.maxRecordChars) {
          this.count += 1;
          out.push(badUnit(`event ${this.count}`, 'too-large', `Event element longer than ${this.maxRecordChars} characters`, this.buffer.slice(0, 65536), this.buffer.length));
          this.buffer = this.buffer.slice(7);
        }
        return out;
      }
      this.count += 1;
      out.push({ kind: 'xml', text: this.buffer.slice(start.index, end + END_TAG.length), locator: `event ${this.count}` });
      this.buffer = this.buffer.slice(end + END_TAG.length);
    }
  }

  end(): RawUnit[] {
    const out: RawUnit[] = [];
    EVENT_START.lastIndex = 0;
    const start = EVENT_START.exec(this.buffer);
    if (start) {
      this.junk(this.buffer.slice(0, start.index), out);
      this.count += 1;
      out.push(badUnit(`event ${this.count}`, 'truncated', 'the file ends inside an <Event> element (truncated XML)', this.buffer.slice(start.index)));
    } else {
      this.junk(this.buffer, out);
    }
    this.buffer = '';
    return out;
  }

  private junk(text: string, out: RawUnit[]): void {
    if (text.replace(FILLER, '') === '') return;
    out.push(badUnit(`after event ${this.count}`, 'invalid-xml', 'text between <Event> elements is not an event', text.trim()));
  }
}
