/**
 * `items.filter(…).map(…)` in one loop, for lists the engine's compiled code reads: V8's
 * optimised map() and filter() make their arrays with another elements kind than the built-in
 * ones do, so once the code making a list was optimised, every compiled reader of the list was
 * thrown away at the first list of the new kind (a batch compiled several of the engine's largest
 * functions two or three times for it). `pick` gives an item's entry (from the item and its
 * index), or undefined to leave the item out.
 */
export function collect<T, U>(
  items: Iterable<T>,
  pick: (item: T, index: number) => U | undefined,
): U[] {
  const list: U[] = [];
  let index = 0;
  for (const item of items) {
    const entry = pick(item, index++);
    if (entry !== undefined) list.push(entry);
  }
  return list;
}
