import { repoPath } from '@sluice/test-utils';
import { describe, expect, it } from 'vitest';
import { hasFluxWorkloads } from './has-flux-workloads.js';

const FIXTURE = repoPath('packages/flux-adapter/src/__fixtures__/repo');

describe('hasFluxWorkloads', () => {
  it('tells a Flux repository from plain manifests', async () => {
    expect(await hasFluxWorkloads(FIXTURE)).toBe(true);
    expect(await hasFluxWorkloads(repoPath('packages/flux-adapter/src/__fixtures__/repo/infra'))).toBe(false);
  });
});
