import { basename, join } from 'node:path';

const kustomization = (path: string, extra = ''): string => `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: evil
  namespace: flux-system
spec:
  interval: 10m
  path: ${JSON.stringify(path)}
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
${extra}`;

/** A Flux or kustomize path that tries to leave the repository. */
export interface PathCase {
  readonly id: string;
  readonly input: string;
  readonly files: (outside: string) => Record<string, string | { symlink: string }>;
  /** The file a diagnostic must name. */
  readonly file: string;
  /** A known bug: the test shows it and is marked `it.fails` until fixed. */
  readonly bug?: string;
}

/** Flux `spec.path`, kustomize `resources` and `components` that try to leave the repository. */
export const FLUX_PATH_CASES: readonly PathCase[] = [
  {
    id: 'path-dotdot',
    input: 'spec.path: ../<outside>/apps',
    files: (dir) => ({ 'clusters/dev/evil.yaml': kustomization(`../${basename(dir)}/apps`) }),
    file: 'clusters/dev/evil.yaml',
  },
  {
    id: 'path-deep-dotdot',
    input: 'spec.path: ./apps/../../../../../../etc',
    files: () => ({ 'clusters/dev/evil.yaml': kustomization('./apps/../../../../../../etc') }),
    file: 'clusters/dev/evil.yaml',
  },
  {
    id: 'path-absolute',
    input: 'spec.path: /<outside>/apps (absolute)',
    files: (dir) => ({ 'clusters/dev/evil.yaml': kustomization(join(dir, 'apps')) }),
    file: 'clusters/dev/evil.yaml',
  },
  {
    id: 'path-root-fs',
    input: 'spec.path: /',
    files: () => ({ 'clusters/dev/evil.yaml': kustomization('/etc') }),
    file: 'clusters/dev/evil.yaml',
  },
  {
    id: 'path-symlink-out',
    input: 'spec.path: ./escape, a symlink to the outside folder',
    files: (dir) => ({
      'clusters/dev/evil.yaml': kustomization('./escape'),
      escape: { symlink: join(dir, 'apps') },
    }),
    file: 'clusters/dev/evil.yaml',
  },
  {
    id: 'path-missing',
    input: 'spec.path: ./does/not/exist',
    files: () => ({ 'clusters/dev/evil.yaml': kustomization('./does/not/exist') }),
    file: 'clusters/dev/evil.yaml',
  },
  {
    id: 'path-nul',
    input: 'spec.path with a NUL byte',
    files: () => ({ 'clusters/dev/evil.yaml': kustomization('./apps\u0000/../..') }),
    file: 'clusters/dev/evil.yaml',
  },
  {
    id: 'path-variable',
    input: 'spec.path: ./${CLUSTER}/apps (never substituted in spec.path)',
    files: () => ({ 'clusters/dev/evil.yaml': kustomization('./${CLUSTER}/apps') }),
    file: 'clusters/dev/evil.yaml',
  },
  {
    id: 'resources-dotdot',
    input: 'kustomization.yaml resources: [../../<outside>/evil.yaml]',
    files: (dir) => ({
      'clusters/dev/evil.yaml': kustomization('./tricky'),
      'tricky/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../${basename(dir)}/evil.yaml\n  - ../${basename(dir)}/apps\n`,
    }),
    file: 'tricky/kustomization.yaml',
  },
  {
    id: 'resources-absolute',
    input: 'kustomization.yaml resources: [/<outside>/evil.yaml, /etc/passwd]',
    files: (dir) => ({
      'clusters/dev/evil.yaml': kustomization('./tricky'),
      'tricky/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ${join(dir, 'evil.yaml')}\n  - /etc/passwd\n`,
    }),
    file: 'tricky/kustomization.yaml',
  },
  {
    id: 'resources-remote',
    input:
      'kustomization.yaml resources: [https://evil.example.com/x.yaml, github.com/evil/repo//x?ref=main]',
    files: () => ({
      'clusters/dev/evil.yaml': kustomization('./tricky'),
      'tricky/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - https://evil.example.com/x.yaml\n  - github.com/evil/repo//x?ref=main\n',
    }),
    file: 'tricky/kustomization.yaml',
  },
  {
    id: 'resources-cycle',
    input: 'two kustomization folders that include each other',
    files: () => ({
      'clusters/dev/evil.yaml': kustomization('./loop-a'),
      'loop-a/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../loop-b\n',
      'loop-b/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../loop-a\n',
    }),
    file: 'loop-a/kustomization.yaml',
  },
  {
    id: 'components-outside',
    input: 'kustomization.yaml components: [../../<outside>]',
    files: (dir) => ({
      'clusters/dev/evil.yaml': kustomization('./tricky'),
      'tricky/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\ncomponents:\n  - ../../${basename(dir)}\n`,
    }),
    file: 'tricky/kustomization.yaml',
  },
  {
    id: 'flux-components-outside',
    input: 'Flux spec.components: [../<outside>]',
    files: (dir) => ({
      'clusters/dev/evil.yaml': kustomization('./apps', `  components:\n    - ../../${basename(dir)}\n`),
    }),
    file: 'clusters/dev/evil.yaml',
  },
];
