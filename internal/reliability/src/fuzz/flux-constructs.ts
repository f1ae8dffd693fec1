// Constructs of issue #16 in Flux objects' specs (docs/reliability.md section 8): postBuild
// substitution Flux applies to each rendered object's YAML text (a variable used as a mapping
// key, a value with `\r` line breaks, a value with a `#` comment, a variable only a cluster
// ConfigMap defines), and HelmRelease postRenderers patches a values-only reading cannot see.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FluxWorkload } from '@sluice/flux-adapter';
import { deployment, VULNERABLE_IMAGE } from '../flux/gate-repo.js';
import { addToSpec } from './edit-yaml-text.js';
import { addResource, assertParses, pickOne, writeRepoFile } from './fuzz-target.js';
import type { Construct } from './fuzz-target.js';

const GOOD = 'ghcr.io/sluice-test/good:1.0.0';

/** Each variant: the manifest added to the folder, and the postBuild block added to every owner. */
const POST_BUILD: Readonly<Record<string, { manifest: () => string; block: string }>> = {
  'variable-as-key': {
    manifest: () =>
      `${deployment(GOOD, 'sluice-fuzz-evil')}      \${SLUICE_FUZZ_KEY}:\n        - name: evil\n          image: ${VULNERABLE_IMAGE}\n`,
    block: 'postBuild:\n\tsubstitute:\n\t\tSLUICE_FUZZ_KEY: initContainers',
  },
  'carriage-return-value': {
    manifest: () => deployment('${SLUICE_FUZZ_IMAGE}', 'sluice-fuzz-evil'),
    // Flux substitutes in the object as kustomize prints it (go-yaml v2: keys sorted, sequence
    // items not indented), so the value closes the container (its `name`) and opens another.
    block: `postBuild:\n\tsubstitute:\n\t\tSLUICE_FUZZ_IMAGE: ${JSON.stringify(`${GOOD}\r        name: evil\r      - image: ${VULNERABLE_IMAGE}`)}`,
  },
  'comment-value': {
    manifest: () => deployment('${SLUICE_FUZZ_IMAGE}', 'sluice-fuzz-evil'),
    block: `postBuild:\n\tsubstitute:\n\t\tSLUICE_FUZZ_IMAGE: ${JSON.stringify(`${VULNERABLE_IMAGE} #x`)}`,
  },
  'cluster-only-variable': {
    manifest: () => deployment('ghcr.io/evil/vulnerable:${SLUICE_FUZZ_TAG}', 'sluice-fuzz-evil'),
    block: 'postBuild:\n\tsubstituteFrom:\n\t\t- kind: ConfigMap\n\t\t\tname: sluice-fuzz-cluster-settings',
  },
};

/** Edits the spec of each workload (grouped by file, bottom-up so lines stay valid); undefined when one cannot be edited. */
async function editSpecs(
  root: string,
  workloads: readonly FluxWorkload[],
  block: string,
): Promise<string[] | undefined> {
  const byFile = new Map<string, number[]>();
  for (const workload of workloads) {
    if (workload.synthetic || workload.file.startsWith('..')) return undefined;
    byFile.set(workload.file, [...new Set([...(byFile.get(workload.file) ?? []), workload.line])]);
  }
  const edits: [string, string][] = [];
  for (const [file, lines] of [...byFile].sort()) {
    let text = await readFile(join(root, file), 'utf8');
    for (const line of lines.sort((a, b) => b - a)) {
      const edited = addToSpec(text, line, block);
      if (edited === undefined) return undefined;
      text = edited;
    }
    edits.push([file, assertParses(text, file)]);
  }
  for (const [file, text] of edits) await writeRepoFile(root, file, text);
  return edits.map(([file]) => file);
}

/** postBuild substitution written to reach the marker through Flux's text substitution. */
export const postBuildSubstitution: Construct = async (target, random) => {
  const variant = pickOne(Object.keys(POST_BUILD).sort(), random);
  const { manifest, block } = POST_BUILD[variant]!;
  const owners = target.baseline.repo.workloads.filter((workload) => target.owners.includes(workload.id));
  if (owners.length === 0) return undefined;
  // Every Kustomization reading the folder gets the variable, as one would for a shared base.
  const specs = await editSpecs(target.root, owners, block);
  if (specs === undefined) return undefined;
  const added = await addResource(target, 'sluice-fuzz-substituted.yaml', manifest());
  return added && { construct: 'postbuild', variant, files: [...specs, ...added], owners: target.owners };
};

/** A HelmRelease's postRenderers kustomize patch setting the marker image (values-only reading). */
export const helmPostRenderer: Construct = async (target, random) => {
  const releases = target.baseline.repo.workloads.filter(
    (workload) => workload.kind === 'HelmRelease' && !workload.synthetic && !workload.file.startsWith('..'),
  );
  if (releases.length === 0) return undefined;
  const chosen = pickOne(releases, random);
  // Every cluster's copy of that object (same file and line) reads the edit.
  const same = releases.filter((release) => release.file === chosen.file && release.line === chosen.line);
  const [variant, patch] = pickOne(
    [
      [
        'json6902 patch',
        `[{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": "${VULNERABLE_IMAGE}"}]`,
      ],
      [
        'strategic merge patch',
        `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: any}\nspec:\n  template:\n    spec:\n      containers:\n        - {name: app, image: "${VULNERABLE_IMAGE}"}\n`,
      ],
    ] as const,
    random,
  );
  const block = `postRenderers:\n\t- kustomize: {patches: [{target: {kind: Deployment}, patch: ${JSON.stringify(patch)}}]}`;
  const files = await editSpecs(target.root, same, block);
  return (
    files && {
      construct: 'helm-post-renderer',
      variant: `${variant} on ${chosen.id}`,
      files,
      owners: same.map((release) => release.id),
    }
  );
};
