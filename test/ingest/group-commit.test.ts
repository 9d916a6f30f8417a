import { describe, expect, it } from 'vitest';
import { createGroupCommit } from '../../src/pipeline/group-commit.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('group commit', () => {
  it('one writer: items arriving during a write go together into the next batch', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const gc = createGroupCommit<number, number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await gate;
      return items.map((x) => x * 10);
    });
    const first = gc.submit(1);
    await tick();
    const rest = [gc.submit(2), gc.submit(3), gc.submit(4)];
    expect(gc.waiting).toBe(3);
    release();
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('two in flight: an item arriving while a batch waits starts a second batch at once, never a third', async () => {
    const started: number[][] = [];
    const gates: (() => void)[] = [];
    const gc = createGroupCommit<number, number>(async (items) => {
      started.push(items);
      await new Promise<void>((r) => gates.push(r));
      return items;
    }, { maxInFlight: 2 });
    const a = gc.submit(1);
    await tick();
    const b = gc.submit(2);
    await tick();
    expect(started).toEqual([[1], [2]]);
    const c = gc.submit(3);
    const d = gc.submit(4);
    await tick();
    expect(started).toHaveLength(2);
    expect(gc.waiting).toBe(2);
    gates[0]();
    await a;
    await tick();
    expect(started[2]).toEqual([3, 4]);
    gates[1]();
    gates[2]();
    expect(await Promise.all([b, c, d])).toEqual([2, 3, 4]);
  });

  it('items submitted in the same turn of the event loop go into one batch', async () => {
    const batches: number[][] = [];
    const gc = createGroupCommit<number, number>(async (items) => { batches.push(items); return items; });
    expect(await Promise.all([gc.submit(1), gc.submit(2), gc.submit(3)])).toEqual([1, 2, 3]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('a failed batch rejects its own items only', async () => {
    const gc = createGroupCommit<number, number>(async (items) => {
      if (items.includes(2)) throw new Error('db down');
      return items;
    });
    await expect(gc.submit(1)).resolves.toBe(1);
    await expect(gc.submit(2)).rejects.toThrow('db down');
    await expect(gc.submit(3)).resolves.toBe(3);
  });
});
