import { describe, expect, it } from 'vitest';
import { AliasExpansionError, Provenance } from './provenance.js';

describe('Provenance.clone', () => {
  it('copies a node shared through aliases once per path (kustomize expands aliases), and keeps `__proto__` a plain key', () => {
    const shared = { image: 'nginx:1' };
    const source = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    source.a = shared;
    source.b = [shared, shared];
    const copy = new Provenance().clone(source);
    const [first, second] = copy.b as unknown[];
    expect(copy.a).not.toBe(shared);
    expect(copy.a).toEqual(shared);
    expect(new Set([copy.a, first, second]).size).toBe(3);
    expect(first).toEqual(shared);
    expect(second).toEqual(shared);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'a', 'b']);
  });

  it('refuses to expand a cycle or an alias bomb; clone then keeps their sharing, each node copied once', () => {
    const loop: Record<string, unknown> = {};
    loop.next = loop;
    let bomb: unknown = [{ a: 1 }, { a: 2 }];
    for (let level = 0; level < 20; level += 1) bomb = [bomb, bomb];
    const provenance = new Provenance();
    expect(() => provenance.cloneExpanded(loop)).toThrow(AliasExpansionError);
    expect(() => provenance.cloneExpanded(bomb)).toThrow(/more than 200000 mappings and lists/);
    const loopCopy = provenance.clone(loop);
    expect(loopCopy).not.toBe(loop);
    expect(loopCopy.next).toBe(loopCopy);
    const bombCopy = provenance.clone(bomb) as unknown[];
    expect(bombCopy).not.toBe(bomb);
    expect(bombCopy[0]).toBe(bombCopy[1]);
  });
});
