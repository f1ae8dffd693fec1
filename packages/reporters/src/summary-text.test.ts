import type { GateSummary } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { formatSummary } from './summary-text.js';

const objects = (counts: Partial<GateSummary['objects']>): GateSummary['objects'] => {
  const base = {
    blocked: 0,
    blockedUpstream: 0,
    unknown: 0,
    unknownBlocking: 0,
    suspended: 0,
    pass: 0,
    ...counts,
  };
  return {
    ...base,
    total: base.blocked + base.blockedUpstream + base.unknown + base.suspended + base.pass,
    blocking: base.blocked + base.blockedUpstream + base.unknownBlocking,
  };
};

describe('formatSummary', () => {
  it('says how many objects must not be applied and why, then the rest, then the images', () => {
    expect(
      formatSummary({
        objects: objects({ blocked: 1, blockedUpstream: 1, unknown: 1, pass: 4 }),
        images: { total: 4, fail: 1, unknown: 1, pass: 2 },
      }),
    ).toEqual({
      objects:
        '2 of 7 Flux objects must not be applied (1 blocked, 1 blocked upstream), 1 unknown that blocks nothing, 4 pass',
      images: '4 images: 1 failing, 1 not scanned, 2 pass',
    });
    expect(
      formatSummary({
        objects: objects({ unknown: 3, unknownBlocking: 2, suspended: 1, pass: 1 }),
        images: { total: 1, fail: 0, unknown: 0, pass: 1 },
      }),
    ).toEqual({
      objects:
        '2 of 5 Flux objects must not be applied (2 unknown), 1 unknown that blocks nothing, 1 suspended, 1 pass',
      images: '1 image: 0 failing, 0 not scanned, 1 pass',
    });
  });

  it('leaves the objects out without Flux objects, and says so when nothing is found', () => {
    expect(
      formatSummary({ objects: objects({}), images: { total: 0, fail: 0, unknown: 0, pass: 0 } }),
    ).toEqual({
      images: '0 images',
    });
    expect(
      formatSummary({ objects: objects({ pass: 1 }), images: { total: 0, fail: 0, unknown: 0, pass: 0 } }),
    ).toEqual({ objects: '0 of 1 Flux object must not be applied, 1 pass', images: '0 images' });
  });
});
