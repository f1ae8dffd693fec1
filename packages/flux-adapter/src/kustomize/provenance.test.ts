import { describe, expect, it } from 'vitest';
import { Provenance } from './provenance.js';

describe('Provenance.clone', () => {
  it('copies a node shared through aliases once, and keeps `__proto__` a plain key', () => {
    const shared = { image: 'nginx:1' };
    const source = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    source.a = shared;
    source.b = [shared, shared];
    const copy = new Provenance().clone(source);
    expect(copy.a).not.toBe(shared);
    expect(copy.a).toEqual(shared);
    expect((copy.b as unknown[])[0]).toBe(copy.a);
    expect((copy.b as unknown[])[1]).toBe(copy.a);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'a', 'b']);
  });
});
