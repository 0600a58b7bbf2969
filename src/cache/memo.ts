/**
 * Every speed cache rolefit keeps lives here. A cache is attached to the object it is made from
 * (a compiled rubric set, one of its compiled questions, or a question, band, rule, condition,
 * mechanism or YAML map), so it lives as long as that object and is dropped with it (each cache
 * also holds the last object it was asked about, until it is asked about another). Caches that
 * could grow with the input are bounded maps.
 *
 * What is cached, and what bounds it:
 * - per compiled set: point scales, wording, rules by id, rubric titles and summary, what-if
 *   tables, numeric segments per question: one entry each, so bounded by the rubrics' size; and
 *   the candidate answers the what-ifs try, per question one list per place today's answer can
 *   take among its segments or allowed values;
 * - per compiled question: points per answer key (value, band or option): bounded by its answers;
 * - per rubric object: a question's answers by value, allowed values, band labels and answer
 *   texts, a list's positions, a condition's predicate and tested questions, a leaf's test, a
 *   rule's fired views (one per distinct description, and numbers are described by threshold), a
 *   mechanism's advice: bounded by the rubric;
 * - per list of fired rules: what it leaves open; the lists themselves, by bitmask, at most
 *   FIRED_SETS;
 * - per YAML map: its pairs by key, while the document is checked;
 * - the JSON of texts a batch writes: at most TEXTS entries.
 */
export const LIMITS = { FIRED_SETS: 4096, TEXTS: 65_536 } as const;

/**
 * `make`, remembered: its result for each owner object is kept as long as the owner lives, in a
 * WeakMap of its own. The last owner asked for is also held, with its value, so the hot caches
 * keyed on one rubric set (asked thousands of times per organisation) cost a comparison, not a
 * WeakMap read; that holds at most one owner per cache past its time.
 */
export function keyed<K extends object, V>(name: string, make: (owner: K) => V): (owner: K) => V {
  const values = new WeakMap<K, V>();
  let lastOwner: K | undefined;
  let lastValue: V | undefined;
  const cached = (owner: K): V => {
    if (owner === lastOwner) return lastValue as V;
    let value = values.get(owner);
    if (value === undefined) {
      value = make(owner);
      values.set(owner, value);
    }
    lastOwner = owner;
    lastValue = value;
    return value;
  };
  // Named, so profiles and stack traces say which cache they are in.
  return Object.defineProperty(cached, "name", { value: name });
}

/**
 * A map that forgets everything once it holds `limit` entries: the caches it backs are rebuilt
 * cheaply, and clearing keeps memory flat however many distinct keys a run meets.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly limit: number) {
    super();
  }

  override set(key: K, value: V): this {
    if (this.size >= this.limit) this.clear();
    return super.set(key, value);
  }
}
