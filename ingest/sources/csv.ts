import type { RawUnit } from './raw-unit.ts';
import { badUnit } from './raw-unit.ts';

/**
 * A streaming RFC 4180 CSV reader: quoted fields may hold commas, doubled quotes and line breaks. The first
 * row is the header; each later row becomes an object keyed by it. Log Analytics portal exports suffix
 * time columns with ` [UTC]`; that suffix is dropped so `TimeGenerated [UTC]` reads as `TimeGenerated`.
 */
export class CsvReader {
  private header: string[] | undefined;
  private field = '';
  private row: string[] = [];
  private rowText = '';
  private inQuotes = false;
  private quotePending = false;
  private line = 1;
  private rowLine = 1;

  push(text: string): RawUnit[] {
    const out: RawUnit[] = [];
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      this.rowText += ch;
      if (this.inQuotes) {
        if (this.quotePending) {
          this.quotePending = false;
          if (ch === '"') {
            this.field += '"';
            continue;
          }
          this.inQuotes = false;
        } else if (ch === '"') {
          this.quotePending = true;
          continue;
        } else {
          if (ch === '\n') this.line += 1;
          this.field += ch;
          continue;
        }
      }
      if (ch === '"' && this.field === '') this.inQuotes = true;
      else if (ch === ',') this.endField();
      else if (ch === '\n') {
        this.line += 1;
        this.endRow(out);
      } else if (ch !== '\r') this.field += ch;
    }
    return out;
  }

  end(): RawUnit[] {
    const out: RawUnit[] = [];
    if (this.inQuotes && !this.quotePending) {
      out.push(badUnit(`line ${this.rowLine}`, 'truncated', 'the file ends inside a quoted CSV field', this.rowText));
    } else if (this.rowText.trim() !== '') {
      this.endRow(out);
    }
    return out;
  }

  private endField(): void {
    this.row.push(this.field);
    this.field = '';
    this.inQuotes = false;
    this.quotePending = false;
  }

  private endRow(out: RawUnit[]): void {
    this.endField();
    const cells = this.row;
    const raw = this.rowText.replace(/\r?\n$/, '');
    const locator = `line ${this.rowLine}`;
    this.row = [];
    this.rowText = '';
    this.rowLine = this.line;
    if (cells.length === 1 && cells[0]!.trim() === '') return;
    if (!this.header) {
      this.header = cells.map((name, i) => (i === 0 ? name.replace(/^\uFEFF/, '') : name).replace(/\s*\[[^\]]*\]\s*$/, '').trim());
      return;
    }
    if (cells.length !== this.header.length) {
      out.push(badUnit(locator, 'bad-value', `CSV row has ${cells.length} fields, the header has ${this.header.length}`, raw));
      return;
    }
    const value: Record<string, string> = {};
    this.header.forEach((name, i) => {
      value[name] = cells[i]!;
    });
    out.push({ kind: 'value', value, locator, raw });
  }
}
