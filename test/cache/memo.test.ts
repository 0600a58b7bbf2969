import { describe, expect, it } from "vitest";
import { BoundedMap, keyed } from "../../src/cache/memo.js";

describe("caches", () => {
  it("make a value once per owner, and name themselves", () => {
    let made = 0;
    const lengthOf = keyed("lengths", (list: unknown[]) => {
      made++;
      return list.length;
    });
    const list = [1, 2, 3];
    expect([lengthOf(list), lengthOf(list), lengthOf([1])]).toEqual([3, 3, 1]);
    expect(made).toBe(2);
    expect(lengthOf.name).toBe("lengths");
  });

  it("never hold more than their bound", () => {
    const map = new BoundedMap<number, number>(3);
    for (let i = 0; i < 10; i++) map.set(i, i);
    expect(map.size).toBeLessThanOrEqual(3);
    expect(map.get(9)).toBe(9);
  });
});
