/**
 * A string-keyed map kept as plain JSON that a pure `step` can update without mutating its input and without
 * copying the whole map each batch. Keys hash into a fixed array of buckets; a bucket is two parallel arrays
 * (`k` keys, `v` values). A step reads through a `KeyedWriter`, which collects changed entries and, on
 * `commit`, copies only the touched buckets and shares the rest with the input. Measured on Node 24: spreading
 * a 100k-key object costs ~75 ms, so a per-step full copy would dominate a 200k events/s budget; here a step
 * costs O(touched buckets x bucket size), and buckets stay small as the map grows.
 */

/** One bucket: keys and values at the same index. */
export interface Bucket<V> {
  k: string[];
  v: V[];
}

/** The stored map: `b` buckets (null when empty) and `n` entries. Plain JSON. */
export interface KeyedMap<V> {
  n: number;
  b: Array<Bucket<V> | null>;
}

/**
 * Bucket count: starts at 16 (an empty map is tiny in JSON) and grows fourfold whenever the map holds more than
 * `MAX_LOAD` entries per bucket, so a lookup scans a handful of keys at any size. Growth rehashes once (O(n)),
 * amortised O(1) per insert.
 */
const INITIAL_BUCKETS = 16;
const MAX_LOAD = 2;

/** An empty map. */
export function emptyKeyed<V>(): KeyedMap<V> {
  return { n: 0, b: new Array<Bucket<V> | null>(INITIAL_BUCKETS).fill(null) };
}

/** FNV-1a 32-bit over UTF-16 code units, reduced to a bucket index: cheap, stable across processes. */
function bucketOf(key: string, count: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % count;
}

/** Rehashes every entry into `count` buckets. */
function rehash<V>(map: KeyedMap<V>, count: number): KeyedMap<V> {
  const b = new Array<Bucket<V> | null>(count).fill(null);
  for (const bucket of map.b) {
    if (!bucket) continue;
    bucket.k.forEach((key, i) => {
      const at = bucketOf(key, count);
      const target = (b[at] ??= { k: [], v: [] });
      target.k.push(key);
      target.v.push(bucket.v[i] as V);
    });
  }
  return { n: map.n, b };
}

/** Sentinel in the change set for a deleted key. */
const DELETED = Symbol('deleted');

/**
 * A per-step view over a `KeyedMap`: reads fall through to the input, writes stay in a change set until
 * `commit`. Values read with `get` belong to the input and must be treated as frozen; `edit` hands back a
 * private copy the caller may mutate for the rest of the step.
 */
export class KeyedWriter<V> {
  private base: KeyedMap<V>;
  private changes = new Map<string, V | typeof DELETED>();
  /** The last key hashed and its bucket in `base`: a step reads, then edits, the same key (saves re-hashing). */
  private hashedKey: string | undefined;
  private hashedAt = 0;

  constructor(base: KeyedMap<V>) {
    this.base = base;
  }

  /** The current value, or undefined. Do not mutate it unless it came from `edit` in this step. */
  get(key: string): V | undefined {
    const changed = this.changes.get(key);
    if (changed !== undefined) return changed === DELETED ? undefined : changed;
    return this.stored(key);
  }

  /** The value in the input map, ignoring this step's changes. */
  private stored(key: string): V | undefined {
    if (key !== this.hashedKey) {
      this.hashedKey = key;
      this.hashedAt = bucketOf(key, this.base.b.length);
    }
    const bucket = this.base.b[this.hashedAt];
    if (!bucket) return undefined;
    const i = bucket.k.indexOf(key);
    return i < 0 ? undefined : bucket.v[i];
  }

  /**
   * A value this step owns and may mutate: the one already edited in this step, else `copy` of the stored
   * one, else `create()`. The result is recorded as the new value.
   */
  edit(key: string, copy: (value: V) => V, create: () => V): V {
    const changed = this.changes.get(key);
    if (changed !== undefined && changed !== DELETED) return changed;
    const stored = changed === DELETED ? undefined : this.stored(key);
    const owned = stored === undefined ? create() : copy(stored);
    this.changes.set(key, owned);
    return owned;
  }

  /** Removes a key. */
  delete(key: string): void {
    this.changes.set(key, DELETED);
  }

  /** True when the map holds no entry and nothing was written since the last commit (O(1)). */
  get empty(): boolean {
    return this.changes.size === 0 && this.base.n === 0;
  }

  /** True when nothing was written since the last commit. */
  get clean(): boolean {
    return this.changes.size === 0;
  }

  /** A new map with the changes applied; untouched buckets are shared with the input. Resets the writer. */
  commit(): KeyedMap<V> {
    if (this.changes.size === 0) return this.base;
    const buckets = this.base.b.slice();
    const copied = new Set<number>();
    let n = this.base.n;
    this.changes.forEach((value, key) => {
      const at = bucketOf(key, buckets.length);
      let bucket = buckets[at] ?? null;
      if (!copied.has(at)) {
        bucket = bucket ? { k: bucket.k.slice(), v: bucket.v.slice() } : { k: [], v: [] };
        buckets[at] = bucket;
        copied.add(at);
      }
      if (!bucket) return;
      const i = bucket.k.indexOf(key);
      if (value === DELETED) {
        if (i >= 0) {
          bucket.k.splice(i, 1);
          bucket.v.splice(i, 1);
          n -= 1;
        }
      } else if (i >= 0) {
        bucket.v[i] = value;
      } else {
        bucket.k.push(key);
        bucket.v.push(value);
        n += 1;
      }
    });
    for (const at of copied) if (buckets[at]?.k.length === 0) buckets[at] = null;
    let count = buckets.length;
    while (n > MAX_LOAD * count) count *= 4;
    this.base = count > buckets.length ? rehash({ n, b: buckets }, count) : { n, b: buckets };
    this.changes = new Map();
    this.hashedKey = undefined;
    return this.base;
  }

  /**
   * Commits, then drops every entry for which `keep` returns false (O(map size); call it on a cadence of
   * event time, not per event). Buckets with no dropped entry are shared.
   */
  sweep(keep: (value: V, key: string) => boolean): void {
    const map = this.commit();
    let n = map.n;
    let buckets: Array<Bucket<V> | null> | undefined;
    for (let at = 0; at < map.b.length; at += 1) {
      const bucket = map.b[at];
      if (!bucket) continue;
      let drop = 0;
      for (let i = 0; i < bucket.k.length; i += 1) if (!keep(bucket.v[i] as V, bucket.k[i] as string)) drop += 1;
      if (drop === 0) continue;
      const kept: Bucket<V> = { k: [], v: [] };
      for (let i = 0; i < bucket.k.length; i += 1) {
        if (!keep(bucket.v[i] as V, bucket.k[i] as string)) continue;
        kept.k.push(bucket.k[i] as string);
        kept.v.push(bucket.v[i] as V);
      }
      buckets ??= map.b.slice();
      n -= bucket.k.length - kept.k.length;
      buckets[at] = kept.k.length === 0 ? null : kept;
    }
    if (buckets) this.base = { n, b: buckets };
    this.hashedKey = undefined;
  }
}
