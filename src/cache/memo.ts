/**
 * Every speed cache rolefit keeps lives here. A cache is attached to the object it is made from
 * (a compiled rubric set, one of its compiled questions, or a question, band, rule, condition,
 * mechanism or YAML map), so it lives exactly as long as that object and is dropped with it.
 * Caches that could grow with the input are bounded maps.
 *
 * What is cached, and what bounds it:
 * - per compiled set: point scales, wording, rules by id, rubric titles and summary, what-if
 *   tables, numeric segments per question: one entry each, so bounded by the rubrics' size;
 * - per compiled question: points per answer key (value, band or option): bounded by its answers;
 * - per rubric object: a question's answers by value and allowed values, a band's label, a
 *   condition's predicate and tested questions, a rule's fired views (one per distinct
 *   description, and numbers are described by threshold), a mechanism's advice: bounded by the
 *   rubric;
 * - per list of fired rules: what it leaves open; the lists themselves, by bitmask, at most
 *   FIRED_SETS;
 * - per YAML map: its pairs by key, while the document is checked;
 * - the JSON of texts a batch writes: at most TEXTS entries.
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
