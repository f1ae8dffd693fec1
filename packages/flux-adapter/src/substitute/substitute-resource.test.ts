import fc from 'fast-check';
import yaml from 'js-yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { Provenance } from '../kustomize/provenance.js';
import type { YamlMap } from '../kustomize/resource.js';
import { tempFluxRepo, type TempFile } from '../__fixtures__/temp-repo.js';
import { loadFluxRepository } from '../load/load-flux-repository.js';
import { emitGoYaml } from './go-yaml-emit.js';
import { substituteResource, type Variable } from './substitute-resource.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** A repository whose `apps` Kustomization substitutes `variables` into `apps/app.yaml`. */
async function load(app: string, variables: Record<string, string>): ReturnType<typeof loadFluxRepository> {
  const substitute = Object.entries(variables)
    .map(([name, value]) => `      ${name}: ${JSON.stringify(value)}`)
    .join('\n');
  const files: Record<string, TempFile> = {
    'clusters/dev/sync.yaml': [
      'apiVersion: kustomize.toolkit.fluxcd.io/v1',
      'kind: Kustomization',
      'metadata: {name: apps, namespace: flux-system}',
      'spec:',
      '  interval: 10m',
      '  path: ./apps',
      '  prune: true',
      '  sourceRef: {kind: GitRepository, name: flux-system}',
      '  postBuild:',
      '    substitute:',
      substitute,
      '',
    ].join('\n'),
    'apps/good.yaml': '',
    'apps/app.yaml': app,
  };
  const repo = await tempFluxRepo(files);
  cleanups.push(repo.cleanup);
  return loadFluxRepository(repo.root);
}

const deployment = (podSpec: string): string =>
  [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: app, namespace: default}',
    'spec:',
    '  template:',
    '    spec:',
    podSpec,
    '',
  ].join('\n');

function refs(repo: Awaited<ReturnType<typeof loadFluxRepository>>): string[] {
  return repo.images.map((image) => image.ref);
}

describe('postBuild substitution on the YAML text, as kustomize-controller does it', () => {
  it('a variable standing for a mapping key (`${SIDECARS}:` = initContainers) adds containers', async () => {
    const repo = await load(
      deployment(
        [
          '      containers: [{name: app, image: "nginx:1.25"}]',
          '      ${SIDECARS}:',
          '        - name: evil',
          '          image: docker.io/library/evil:1',
        ].join('\n'),
      ),
      { SIDECARS: 'initContainers' },
    );
    expect(refs(repo)).toEqual(['docker.io/library/evil:1', 'docker.io/library/nginx:1.25']);
    const evil = repo.images.find((image) => image.ref === 'docker.io/library/evil:1');
    // The image text is still traced to where it is written.
    expect(evil?.locations).toMatchObject([
      {
        file: 'apps/app.yaml',
        line: 10,
        column: 18,
        fieldPath: 'spec.template.spec.initContainers[0].image',
      },
    ]);
  });

  it('a value holding \\r (a YAML line break; Flux strips only \\n) adds a container', async () => {
    const repo = await load(deployment('      containers: [{name: app, image: "nginx:${TAG}"}]'), {
      TAG: '1.25\r      - image: docker.io/library/evil:1\r        name: evil',
    });
    expect(refs(repo)).toContain('docker.io/library/evil:1');
    expect(refs(repo)).toContain('docker.io/library/nginx:1.25');
    const evil = repo.images.find((image) => image.ref === 'docker.io/library/evil:1');
    // The injected image points at the variable's definition.
    expect(evil?.locations[0]).toMatchObject({ file: 'clusters/dev/sync.yaml', line: 11 });
  });

  it('a value " #…" is a YAML comment after substitution: alpine-39 is deployed, not "alpine-39 #x"', async () => {
    const repo = await load(deployment('      containers: [{name: app, image: "${IMAGE}"}]'), {
      IMAGE: 'alpine-39 #x',
    });
    expect(refs(repo)).toEqual(['docker.io/library/alpine-39:latest']);
    expect(repo.diagnostics.filter((diagnostic) => diagnostic.code === 'invalid-image-reference')).toEqual(
      [],
    );
  });

  it('a text Flux cannot parse fails the build: substitution-failed names the object', async () => {
    const repo = await load(deployment('      containers: [{name: app, image: "nginx:${TAG-1}"}]'), {
      X: '1',
    });
    expect(repo.diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'substitution-failed',
        file: 'apps/app.yaml',
        object: 'Kustomization/flux-system/apps',
        message: expect.stringContaining('missing closing brace'),
      }),
    );
  });

  it('nested defaults deeper than the limit end in build-limit, not a stack overflow', async () => {
    const nested = `${'${A:='.repeat(6000)}x${'}'.repeat(6000)}`;
    const repo = await load(deployment(`      containers: [{name: app, image: "${nested}"}]`), { X: '1' });
    expect(repo.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'build-limit', object: 'Kustomization/flux-system/apps' }),
    );
  });
});

// ---- property: the pipeline against a reference written from Flux's rules -------------------

/**
 * A reference envsubst for the subset the generator writes, written from fluxcd/pkg's rules on
 * the whole text (not Sluice's parser): `$$` keeps a `$`, `${V}` is the value, `${V:=d}`,
 * `${V:-d}` and `${V=d}` take `d` when the value is empty or unset.
 */
function referenceEnvsubst(text: string, variables: Readonly<Record<string, string>>): string {
  let out = '';
  for (let index = 0; index < text.length;) {
    if (text.startsWith('$$', index)) {
      out += '$';
      // The second `$` is text: it never opens an expression.
      index += 2;
      continue;
    }
    const match = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:=|:-|=)([^}$]*))?\}/.exec(text.slice(index));
    if (match) {
      const value = variables[match[1]!] ?? '';
      out += value === '' && match[2] !== undefined ? (match[3] ?? '') : value;
      index += match[0].length;
      continue;
    }
    out += text[index];
    index += 1;
  }
  return out;
}

const NAMES = ['A', 'B', 'C'] as const;
const fragment = fc.oneof(
  fc.constantFrom('web', 'nginx', ':1.25', ' ', '#', ' #x', ': ', '- ', '"', "'", '{', '[', 'é', '\t'),
  fc.constantFrom(...NAMES).map((name) => `\${${name}}`),
  fc
    .tuple(
      fc.constantFrom(...NAMES, 'UNSET'),
      fc.constantFrom(':=', ':-', '='),
      fc.constantFrom('d', 'x y', ''),
    )
    .map(([name, op, fallback]) => `\${${name}${op}${fallback}}`),
  fc.constantFrom('$${A}', '$$', 'a$b'),
);
const text = fc.array(fragment, { maxLength: 6 }).map((parts) => parts.join(''));
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc.integer(),
    fc.boolean(),
    fc.array(tie('node'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(fc.constantFrom('image', 'name', 'x'), text), tie('node'), { maxKeys: 3 }),
  ),
})).node;
const variableValue = fc
  .array(fc.constantFrom('v', '1', ' ', '#', ' #c', ': ', '\r', '\r  k: v', '{', ']', '$', '${A}', '"'), {
    maxLength: 5,
  })
  .map((parts) => parts.join(''));

describe('substituteResource, property: equals the reference substitution of the emitted text', () => {
  it('for generated objects and variable values', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('spec', 'data', 'x'), value, { minKeys: 1, maxKeys: 3 }),
        fc.record({ A: variableValue, B: variableValue, C: variableValue }),
        (object, values) => {
          const variables = new Map<string, Variable>(
            Object.entries(values).map(([k, v]) => [k, { value: v }]),
          );
          const provenance = new Provenance();
          const result = substituteResource(
            { object: object as YamlMap, file: 'x.yaml', line: 1 },
            variables,
            provenance,
            {
              strict: false,
            },
          );
          const substituted = referenceEnvsubst(emitGoYaml(object).text, values);
          let expected: unknown;
          try {
            expected = yaml.load(substituted, { json: true });
          } catch {
            expect(result.failure).toBeDefined();
            return;
          }
          if (typeof expected !== 'object' || expected === null || Array.isArray(expected)) {
            expect(result.failure).toBeDefined();
            return;
          }
          expect(result.failure).toBeUndefined();
          expect(result.resource.object).toEqual(expected);
        },
      ),
      { numRuns: Number(process.env.SLUICE_FC_RUNS ?? 400) },
    );
  });
});
