import { describe, expect, it } from 'vitest';
import { parseSourceMappings } from './parse-source-mapping.js';

describe('parseSourceMappings', () => {
  it('reads kind/namespace/name=folder, the last mapping of a source winning', () => {
    expect(
      parseSourceMappings([
        'OCIRepository/flux-system/apps=kubernetes',
        'GitRepository/apps/team=./team',
        'OCIRepository/flux-system/apps=k8s',
      ]),
    ).toEqual({
      'OCIRepository/flux-system/apps': 'k8s',
      'GitRepository/apps/team': './team',
    });
  });

  it.each([
    ['apps=kubernetes', 'the source must be kind/namespace/name'],
    ['OCIRepository/flux-system/apps', 'expected kind/namespace/name=folder'],
    ['Deployment/a/b=x', 'unknown source kind Deployment'],
    ['GitRepository/a/b=../elsewhere', 'the folder must be relative to the repository root and inside it'],
    ['GitRepository/a/b=/srv/elsewhere', 'the folder must be relative to the repository root and inside it'],
  ])('refuses %s', (mapping, reason) => {
    expect(() => parseSourceMappings([mapping])).toThrow(
      expect.objectContaining({
        code: 'SLUICE_INVALID_SOURCE_MAPPING',
        message: expect.stringContaining(reason),
      }),
    );
  });

  it('resolves the folders of the person running Sluice against the working directory: anywhere', () => {
    expect(
      parseSourceMappings(
        ['GitRepository/apps/dev-team=../dev-team', 'OCIRepository/flux-system/apps=/srv/fleet/kubernetes'],
        { cwd: '/src/fleet' },
      ),
    ).toEqual({
      'GitRepository/apps/dev-team': '/src/dev-team',
      'OCIRepository/flux-system/apps': '/srv/fleet/kubernetes',
    });
  });
});
