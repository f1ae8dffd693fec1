import { posix } from 'node:path';
import type { Diagnostic } from '@sluice/core';
import type { SourceTree } from '../source/source-tree.js';
import { joinRelative } from '../source/repo-files.js';
import { writableObject, type CopyOnWrite } from './copy-on-write.js';
import type { Provenance } from './provenance.js';
import { isMap, metaString, setOwnValue, type KResource, type YamlMap } from './resource.js';

/** What a generator needs from the build. */
export interface GeneratorContext {
  readonly tree: SourceTree;
  /** Artifact folder of the kustomization. */
  readonly dir: string;
  /** Repository file of the kustomization (for diagnostics). */
  readonly file: string;
  readonly provenance: Provenance;
  readonly diagnostics: Diagnostic[];
  /** Repository files read by the build. */
  readonly consumed: Set<string>;
  /**
   * Copies each object before its first write, leaving the parse cache as it is.
   * @default undefined (objects are changed in place: the caller owns them)
   */
  readonly copies?: CopyOnWrite;
}

/**
 * Runs `configMapGenerator` and `secretGenerator`: each entry becomes a ConfigMap or Secret
 * (literals, `files` including names with spaces and `key=path`, `envs`), merged into an
 * existing one when `behavior` is `merge` or `replace`. Generated names keep no hash suffix:
 * Sluice needs the objects for substitution and values, not for apply.
 */
export async function runGenerators(
  kustomization: YamlMap,
  resources: KResource[],
  context: GeneratorContext,
): Promise<void> {
  const options = isMap(kustomization.generatorOptions) ? kustomization.generatorOptions : {};
  for (const [field, kind] of [
    ['configMapGenerator', 'ConfigMap'],
    ['secretGenerator', 'Secret'],
  ] as const) {
    const entries = kustomization[field];
    if (!Array.isArray(entries)) continue;
    for (const [index, entry] of entries.entries()) {
      if (!isMap(entry) || typeof entry.name !== 'string') continue;
      const data = await generatorData(entry, context);
      const origin = context.provenance.originOf(entries, index);
      const metadata: YamlMap = { name: entry.name };
      if (typeof entry.namespace === 'string') metadata.namespace = entry.namespace;
      const labels = {
        ...(isMap(options.labels) ? options.labels : {}),
        ...(isMap(entry.options) && isMap(entry.options.labels) ? entry.options.labels : {}),
      };
      if (Object.keys(labels).length > 0) metadata.labels = labels;
      const annotations = {
        ...(isMap(options.annotations) ? options.annotations : {}),
        ...(isMap(entry.options) && isMap(entry.options.annotations) ? entry.options.annotations : {}),
      };
      if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
      const behavior = typeof entry.behavior === 'string' ? entry.behavior : 'create';
      const existing =
        behavior === 'create'
          ? undefined
          : resources.find(
              (resource) =>
                resource.object.kind === kind &&
                metaString(resource.object, 'name') === entry.name &&
                (typeof entry.namespace !== 'string' ||
                  metaString(resource.object, 'namespace') === entry.namespace),
            );
      const field = kind === 'Secret' ? 'data' : 'data';
      const encoded = kind === 'Secret' ? encodeSecret(data.values) : data.values;
      if (existing) {
        const target = writableObject(existing, context.copies);
        const current = behavior === 'merge' && isMap(target[field]) ? (target[field] as YamlMap) : {};
        target[field] = { ...current, ...encoded };
        recordOrigins(target[field] as YamlMap, data.origins, context.provenance);
        continue;
      }
      const object: YamlMap = { apiVersion: 'v1', kind, metadata, [field]: encoded };
      if (kind === 'Secret') object.type = typeof entry.type === 'string' ? entry.type : 'Opaque';
      recordOrigins(object[field] as YamlMap, data.origins, context.provenance);
      resources.push({ object, file: origin?.file ?? context.file, line: origin?.line ?? 1 });
    }
  }
}

interface GeneratedData {
  readonly values: Record<string, string>;
  readonly origins: Map<string, { file: string; line: number; column: number }>;
}

async function generatorData(entry: YamlMap, context: GeneratorContext): Promise<GeneratedData> {
  const values: Record<string, string> = {};
  const origins = new Map<string, { file: string; line: number; column: number }>();
  if (Array.isArray(entry.literals)) {
    for (const [index, literal] of entry.literals.entries()) {
      if (typeof literal !== 'string') continue;
      const equals = literal.indexOf('=');
      if (equals === -1) continue;
      const key = literal.slice(0, equals).trim();
      setOwnValue(values, key, unquote(literal.slice(equals + 1)));
      const origin = context.provenance.originOf(entry.literals, index);
      if (origin)
        origins.set(key, { file: origin.file, line: origin.line, column: origin.column + equals + 1 });
    }
  }
  for (const field of ['envs', 'env'] as const) {
    const list = field === 'env' ? (typeof entry.env === 'string' ? [entry.env] : []) : entry.envs;
    if (!Array.isArray(list)) continue;
    for (const path of list) {
      if (typeof path !== 'string') continue;
      const text = await readGeneratorFile(path, context);
      if (text === undefined) continue;
      const repoPath = context.tree.toRepoPath(joinRelative(context.dir, path) ?? '') ?? path;
      for (const [lineIndex, line] of text.split(/\r?\n/).entries()) {
        const trimmed = line.trim();
        if (trimmed === '' || trimmed.startsWith('#')) continue;
        const equals = trimmed.indexOf('=');
        if (equals === -1) continue;
        const key = trimmed.slice(0, equals).trim();
        setOwnValue(values, key, trimmed.slice(equals + 1));
        origins.set(key, { file: repoPath, line: lineIndex + 1, column: line.indexOf('=') + 2 });
      }
    }
  }
  if (Array.isArray(entry.files)) {
    for (const item of entry.files) {
      if (typeof item !== 'string') continue;
      const equals = item.indexOf('=');
      const key = equals === -1 ? posix.basename(item) : item.slice(0, equals);
      const path = equals === -1 ? item : item.slice(equals + 1);
      const text = await readGeneratorFile(path, context);
      if (text === undefined) continue;
      setOwnValue(values, key, text);
      const repoPath = context.tree.toRepoPath(joinRelative(context.dir, path) ?? '') ?? path;
      origins.set(key, { file: repoPath, line: 1, column: 1 });
    }
  }
  return { values, origins };
}

// kustomize's loader fetches a generator file named by an http(s) URL (FileLoader.Load,
// HasRemoteFileScheme: url.Parse's scheme, any case) before it looks at the file system.
const REMOTE_FILE = /^https?:/i;

async function readGeneratorFile(path: string, context: GeneratorContext): Promise<string | undefined> {
  if (REMOTE_FILE.test(path)) {
    context.diagnostics.push({
      file: context.file,
      line: 1,
      severity: 'error',
      code: 'remote-resource',
      message: `Generator file ${path} is a URL: kustomize downloads it when Flux builds, Sluice does not (offline build), so what it generates is unknown`,
    });
    return undefined;
  }
  const artifactPath = joinRelative(context.dir, path);
  if (artifactPath === undefined) {
    context.diagnostics.push({
      file: context.file,
      line: 1,
      severity: 'error',
      code: 'path-outside-root',
      message: `Generator file ${path} is outside the source root`,
    });
    return undefined;
  }
  const text = await context.tree.read(artifactPath);
  if (text === undefined) {
    context.diagnostics.push({
      file: context.file,
      line: 1,
      severity: 'error',
      code: 'generator-file-missing',
      message: `Generator file ${path} not found (kustomize build fails here)`,
    });
    return undefined;
  }
  const repoPath = context.tree.toRepoPath(artifactPath);
  if (repoPath !== undefined) context.consumed.add(repoPath);
  return text;
}

function recordOrigins(
  data: YamlMap,
  origins: ReadonlyMap<string, { file: string; line: number; column: number }>,
  provenance: Provenance,
): void {
  for (const [key, origin] of origins) provenance.setOverride(data, key, origin);
}

function encodeSecret(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
  );
}

function unquote(value: string): string {
  const trimmed = value.trim();
  if (trimmed.length >= 2 && (trimmed[0] === '"' || trimmed[0] === "'") && trimmed.endsWith(trimmed[0])) {
    return trimmed.slice(1, -1);
  }
  return value;
}
