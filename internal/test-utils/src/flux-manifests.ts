/** The image a test repository's "good" Deployment runs, so a test can check the rest of it was read. */
export const GOOD_IMAGE = 'ghcr.io/sluice-test/good:1.0.0';

/** A Deployment whose one container runs `image`, written as given on line 15, column 18. */
export function deployment(image: string = GOOD_IMAGE, name = 'good'): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    '  namespace: default',
    'spec:',
    '  selector:',
    '    matchLabels: { app: good }',
    '  template:',
    '    metadata:',
    '      labels: { app: good }',
    '    spec:',
    '      containers:',
    '        - name: app',
    `          image: ${image}`,
    '',
  ].join('\n');
}

/** A Flux Kustomization syncing `path` from the flux-system GitRepository; `spec` lines are appended to its spec. */
export function fluxKustomization(name: string, path: string, ...spec: string[]): string {
  return [
    'apiVersion: kustomize.toolkit.fluxcd.io/v1',
    'kind: Kustomization',
    'metadata:',
    `  name: ${name}`,
    '  namespace: flux-system',
    'spec:',
    '  interval: 10m',
    `  path: ${path}`,
    '  prune: true',
    '  sourceRef:',
    '    kind: GitRepository',
    '    name: flux-system',
    ...spec.map((line) => `  ${line}`),
    '',
  ].join('\n');
}
