// Builds the content of src/schemas/crd-structures.json from the Flux CRDs (used by the
// generate:crds script and by the test that checks the file is current).
import { readFile } from 'node:fs/promises';
import yaml from 'js-yaml';
import { compactCrdSchema, type CrdNode } from '../src/schemas/crd-structure.js';

/** The CRD files and the versions Sluice reads from each (current files first). */
const CRDS: readonly (readonly [file: string, versions: readonly string[]])[] = [
  ['kustomize.toolkit.fluxcd.io_kustomizations.yaml', ['v1']],
  ['legacy/kustomize.toolkit.fluxcd.io_kustomizations.yaml', ['v1beta2', 'v1beta1']],
  ['helm.toolkit.fluxcd.io_helmreleases.yaml', ['v2']],
  ['legacy/helm.toolkit.fluxcd.io_helmreleases.yaml', ['v2beta2', 'v2beta1']],
  ['source.toolkit.fluxcd.io_gitrepositories.yaml', ['v1']],
  ['legacy/source.toolkit.fluxcd.io_gitrepositories.yaml', ['v1beta2', 'v1beta1']],
  ['source.toolkit.fluxcd.io_ocirepositories.yaml', ['v1']],
  ['legacy/source.toolkit.fluxcd.io_ocirepositories.yaml', ['v1beta2']],
  ['source.toolkit.fluxcd.io_helmrepositories.yaml', ['v1']],
  ['legacy/source.toolkit.fluxcd.io_helmrepositories.yaml', ['v1beta2', 'v1beta1']],
  ['source.toolkit.fluxcd.io_helmcharts.yaml', ['v1']],
  ['legacy/source.toolkit.fluxcd.io_helmcharts.yaml', ['v1beta2', 'v1beta1']],
  ['source.toolkit.fluxcd.io_buckets.yaml', ['v1']],
  ['legacy/source.toolkit.fluxcd.io_buckets.yaml', ['v1beta2', 'v1beta1']],
  ['source.toolkit.fluxcd.io_externalartifacts.yaml', ['v1']],
  ['source.extensions.fluxcd.io_artifactgenerators.yaml', ['v1beta1']],
];

interface Crd {
  spec: {
    group: string;
    names: { kind: string };
    versions: {
      name: string;
      schema: { openAPIV3Schema: { properties: { spec?: Record<string, unknown> } } };
    }[];
  };
}

/** `group/version/kind` → the compact schema of `spec`, from the CRDs in `folder`. */
export async function buildCrdStructures(folder: URL): Promise<Record<string, CrdNode>> {
  const structures: Record<string, CrdNode> = {};
  for (const [file, versions] of CRDS) {
    const crd = yaml.load(await readFile(new URL(file, folder), 'utf8')) as Crd;
    for (const version of versions) {
      const found = crd.spec.versions.find((entry) => entry.name === version);
      const spec = found?.schema.openAPIV3Schema.properties.spec;
      if (!spec) throw new Error(`${file} has no spec schema for ${version}`);
      structures[`${crd.spec.group}/${version}/${crd.spec.names.kind}`] = compactCrdSchema(spec);
    }
  }
  return Object.fromEntries(Object.entries(structures).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The JSON text of the file. */
export function formatCrdStructures(structures: Record<string, CrdNode>): string {
  return `${JSON.stringify(structures)}\n`;
}
