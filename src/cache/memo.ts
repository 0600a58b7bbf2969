/**
 * Every speed cache rolefit keeps lives here. A cache is attached to the object it is made from
 * (a compiled rubric set, or a question, rule or condition of the rubrics that set holds), so it
 * lives exactly as long as that object and is dropped with it. Caches that could grow with the
 * input (one entry per combination of fired rules, per text seen) are bounded maps.
 *
 * What is cached, and the bound of each:
 * - per compiled set: point scales, wording, rule titles and fired-rule views (one per rule and
 *   description), what-if tables (points per answer key, rule indexes), numeric segments per
 *   question: all bounded by the rubrics' size;
 * - fired-rule lists by bitmask, and what each list leaves open: at most FIRED_SETS entries;
 * - per question: answers by value, allowed values, band labels; per condition: its compiled
 *   predicate and the questions it tests: one entry each;
 * - JSON of the texts a batch writes: at most TEXTS entries.
 */
export const LIMITS = { FIRED_SETS: 4096, TEXTS: 65_536 } as const;

const store = new WeakMap<object, Map<string, unknown>>();

/** The cached value of `slot` for `owner`, made on first use. */
export function memo<T>(owner: object, slot: string, make: () => T): T {
  let slots = store.get(owner);
  if (!slots) {
    slots = new Map();
    store.set(owner, slots);
  }
  if (slots.has(slot)) return slots.get(slot) as T;
  const value = make();
  slots.set(slot, value);
  return value;
}

/**
 * A map that forgets everything once it holds `limit` entries: the caches it backs are rebuilt
 * cheaply, and clearing keeps memory flat however many distinct keys a run meets.
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly limit: number) {}

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    if (this.entries.size >= this.limit) this.entries.clear();
    this.entries.set(key, value);
  }
}
