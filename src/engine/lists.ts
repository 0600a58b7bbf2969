/**
 * `items.filter(…).map(…)` in one loop, for lists the engine's compiled code reads: V8's
 * optimised map() and filter() make their arrays with another elements kind than the built-in
 * ones do, so once the code making a list was optimised, every compiled reader of the list was
 * thrown away at the first list of the new kind (a batch compiled several of the engine's largest
 * functions two or three times for it). `pick` gives an item's entry (from the item and its
 * index), or undefined to leave the item out.
 */
export function collect<T, U>(
  items: readonly T[],
  pick: (item: T, index: number) => U | undefined,
): U[] {
  const list: U[] = [];
  // By index, not for…of: called with every kind of list, this is not compiled into its callers,
  // and its iterator made an object per item.
  for (let index = 0; index < items.length; index++) {
    const entry = pick(items[index] as T, index);
    if (entry !== undefined) list.push(entry);
  }
  return list;
}
