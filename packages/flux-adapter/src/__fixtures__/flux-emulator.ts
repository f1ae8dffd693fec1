// An independent emulator of kustomize-controller, for tests: it shares no code with Sluice's
// loader. Every Flux Kustomization is built by the real kustomize (`kubectl kustomize`, load
// restrictor none as Flux sets it) through a wrapping kustomization carrying its overlay
// (targetNamespace, namePrefix/nameSuffix, patches, images, components); a folder without a
// kustomization file gets Flux's generated one (fluxcd/pkg kustomize generator: YAML files,
// and sub-folders holding a kustomization file as units); postBuild substitution runs on each
// document's text (drone/envsubst forms: ${VAR}, ${VAR:=d}, ${VAR:-d}, $$ escapes) with
// `substitute` and `substituteFrom` ConfigMaps/Secrets met earlier in the cluster; an
// ArtifactGenerator's ExternalArtifacts are materialised by copying folders as its copy rules
// say. The result: the Flux Kustomizations and HelmReleases each cluster applies.
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import yaml from 'js-yaml';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** Options of {@link emulateFlux}. */
export interface EmulateOptions {
  /** Entry folders (one per cluster), relative to the root. */
  readonly entries: readonly string[];
  /** Sources (`Kind/namespace/name`) served by absolute folders; the root serves flux-system. */
  readonly sources?: Readonly<Record<string, string>>;
}

/** Per cluster: the ids (`Kind/namespace/name`) of the Flux Kustomizations and HelmReleases applied. */
export async function emulateFlux(root: string, options: EmulateOptions): Promise<Map<string, string[]>> {
  const work = await mkdtemp(join(tmpdir(), 'sluice-emulator-'));
  try {
    const result = new Map<string, string[]>();
    for (const entry of options.entries) {
      result.set(entry, await emulateCluster(root, entry, options.sources ?? {}, work));
    }
    return result;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function emulateCluster(
  root: string,
  entry: string,
  mapped: Readonly<Record<string, string>>,
  work: string,
): Promise<string[]> {
  const sources = new Map<string, string>([['GitRepository/flux-system/flux-system', root]]);
  for (const [id, folder] of Object.entries(mapped)) sources.set(id, folder);
  const found = new Set<string>();
  const configs = new Map<string, Doc>();
  let queue: { doc: Doc; namespace: string }[] = [];
  const collect = async (docs: Doc[], namespace: string): Promise<void> => {
    for (const doc of docs) {
      const ns: string = doc.metadata?.namespace ?? namespace;
      const id = `${doc.kind}/${ns}/${doc.metadata?.name}`;
      const group = String(doc.apiVersion ?? '').split('/')[0];
      if (doc.kind === 'ConfigMap' || doc.kind === 'Secret') configs.set(id, doc);
      if (doc.kind === 'ArtifactGenerator') await materialise(doc, ns, sources, work);
      if (
        (doc.kind === 'Kustomization' && group === 'kustomize.toolkit.fluxcd.io') ||
        (doc.kind === 'HelmRelease' && group === 'helm.toolkit.fluxcd.io')
      ) {
        if (found.has(id)) continue;
        found.add(id);
        if (doc.kind === 'Kustomization') queue.push({ doc, namespace: ns });
      }
    }
  };
  await collect(await build(join(root, entry), {}, work), 'flux-system');
  while (queue.length > 0) {
    const round = queue;
    queue = [];
    // Builds of one round run four at a time; their outputs are collected in order.
    const built = await mapLimited(round, 4, async ({ doc, namespace }) => {
      const spec = doc.spec ?? {};
      const ref = spec.sourceRef ?? {};
      const folder = sources.get(`${ref.kind}/${ref.namespace ?? namespace}/${ref.name}`);
      const path = String(spec.path ?? '');
      if (folder === undefined || path.startsWith('/') || path.split('/').includes('..')) return [];
      const dir = join(folder, path);
      return existsSync(dir) ? build(dir, spec, work) : [];
    });
    for (const [index, { doc, namespace }] of round.entries()) {
      const variables = variablesOf(doc.spec?.postBuild, namespace, configs);
      const docs = built[index] ?? [];
      await collect(variables ? docs.map((item) => substitute(item, variables)) : docs, namespace);
    }
  }
  return [...found].sort();
}

/** Builds a folder with a Flux overlay; [] when kustomize fails (the controller's build fails). */
async function build(dir: string, spec: Doc, work: string): Promise<Doc[]> {
  const wrapper = await mkdtemp(join(work, 'build-'));
  const resources = KUSTOMIZATION_FILES.some((name) => existsSync(join(dir, name)))
    ? [relative(wrapper, dir)]
    : (await generated(dir)).map((path) => relative(wrapper, path));
  const kustomization: Doc = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources };
  if (spec.targetNamespace) kustomization.namespace = spec.targetNamespace;
  if (spec.namePrefix) kustomization.namePrefix = spec.namePrefix;
  if (spec.nameSuffix) kustomization.nameSuffix = spec.nameSuffix;
  if (spec.patches) kustomization.patches = spec.patches;
  if (spec.images) kustomization.images = spec.images;
  if (spec.components) kustomization.components = spec.components.map((item: string) => relative(wrapper, join(dir, item)));
  await writeFile(join(wrapper, 'kustomization.yaml'), yaml.dump(kustomization));
  const run = await execa('kubectl', ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', wrapper], {
    reject: false,
    timeout: 60_000,
  });
  if (run.exitCode !== 0) return [];
  return (yaml.loadAll(run.stdout) as Doc[]).filter((doc) => doc && typeof doc === 'object');
}

/** Flux's generated kustomization: YAML files below `dir`, a folder with a kustomization file as one unit. */
async function generated(dir: string, base = dir): Promise<string[]> {
  const paths: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (KUSTOMIZATION_FILES.some((name) => existsSync(join(path, name)))) paths.push(path);
      else paths.push(...(await generated(path, base)));
    } else if (entry.isFile() && /\.ya?ml$/.test(entry.name)) {
      paths.push(path);
    }
  }
  return paths;
}

function variablesOf(postBuild: Doc | undefined, namespace: string, configs: Map<string, Doc>): Record<string, string> | undefined {
  if (!postBuild) return undefined;
  const variables: Record<string, string> = {};
  for (const from of postBuild.substituteFrom ?? []) {
    const config = configs.get(`${from.kind}/${namespace}/${from.name}`);
    for (const [key, value] of Object.entries(config?.data ?? {})) {
      variables[key] = from.kind === 'Secret' ? Buffer.from(String(value), 'base64').toString('utf8') : String(value);
    }
    for (const [key, value] of Object.entries(config?.stringData ?? {})) variables[key] = String(value);
  }
  for (const [key, value] of Object.entries(postBuild.substitute ?? {})) variables[key] = String(value);
  return variables;
}

function substitute(doc: Doc, variables: Record<string, string>): Doc {
  const marker = 'kustomize.toolkit.fluxcd.io/substitute';
  if (doc.metadata?.annotations?.[marker] === 'disabled' || doc.metadata?.labels?.[marker] === 'disabled') return doc;
  const text = yaml.dump(doc, { lineWidth: -1 }).replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=])([^}]*))?\}/g,
    (match, name: string | undefined, operator: string | undefined, fallback: string | undefined) => {
      if (match === '$$') return '$';
      const value = variables[name ?? ''];
      if (operator === undefined) return value ?? '';
      return value === undefined || (operator.startsWith(':') && value === '') ? (fallback ?? '') : value;
    },
  );
  return yaml.load(text) as Doc;
}

/** Copies the folders an ArtifactGenerator's copy rules name into one folder per artifact. */
async function materialise(doc: Doc, namespace: string, sources: Map<string, string>, work: string): Promise<void> {
  const aliases = new Map<string, string | undefined>(
    (doc.spec?.sources ?? []).map((source: Doc) => [
      source.alias,
      sources.get(`${source.kind}/${source.namespace ?? namespace}/${source.name}`),
    ]),
  );
  for (const artifact of doc.spec?.artifacts ?? []) {
    const target = join(work, `artifact-${namespace}-${artifact.name}`);
    await mkdir(target, { recursive: true });
    for (const copy of artifact.copy ?? []) {
      const from = /^@([^/]+)\/(.*?)\/\*\*$/.exec(copy.from ?? '');
      const to = /^@artifact\/?(.*)$/.exec(copy.to ?? '');
      const folder = from ? aliases.get(from[1] ?? '') : undefined;
      if (!from || !to || folder === undefined) continue;
      await cp(join(folder, from[2] ?? ''), join(target, to[1] ?? ''), { recursive: true });
    }
    sources.set(`ExternalArtifact/${namespace}/${artifact.name}`, target);
  }
}

async function mapLimited<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
