import type { Diagnostic } from './diagnostic.js';
import type { YamlDocument } from './parse-yaml.js';
import { parseYaml } from './parse-yaml.js';
import { findTemplateLine } from './template-detection.js';

/** @internal `T` with its fields writable, to build a readonly result by assignment. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A Kubernetes object as parsed from YAML: a plain object with at least `apiVersion` and `kind`. */
export type KubernetesObject = Record<string, unknown> & { apiVersion: string; kind: string };

/** One Kubernetes object of a YAML file, with the positions of its values. */
export interface ManifestDocument extends YamlDocument {
  readonly apiVersion: string;
  readonly kind: string;
  /** `metadata.name`, or `''` when the object has none (a kustomization file, a generated name). */
  readonly name: string;
  /** `metadata.namespace`, when written. */
  readonly namespace?: string;
  /** The parsed object (the same value as `value`). */
  readonly object: KubernetesObject;
}

/** What loading saw, counted. */
export interface ManifestStats {
  /** YAML files read and parsed (not counting skipped files and templates). */
  files: number;
  /** Kubernetes objects returned. */
  documents: number;
  /** Empty documents (`---` with nothing, only comments). */
  emptyDocuments: number;
  /** Documents that parse but are not Kubernetes objects (no `apiVersion`/`kind`). */
  skippedNonKubernetes: number;
  /** Files skipped as Helm/Go templates. */
  skippedTemplates: number;
  /** Files not read: too large, binary, not UTF-8, unreadable. */
  skippedFiles: number;
  /** Documents lost to YAML syntax errors. */
  invalidDocuments: number;
  /** Bytes of text parsed. */
  bytes: number;
}

/** The Kubernetes objects of one or more files, what went wrong, and the counts. */
export interface ParsedManifests {
  readonly documents: ManifestDocument[];
  readonly diagnostics: Diagnostic[];
  readonly stats: ManifestStats;
}

/** Counters at zero. */
export function emptyStats(): ManifestStats {
  return {
    files: 0,
    documents: 0,
    emptyDocuments: 0,
    skippedNonKubernetes: 0,
    skippedTemplates: 0,
    skippedFiles: 0,
    invalidDocuments: 0,
    bytes: 0,
  };
}

/** Adds the counts of `from` to `into`. */
export function addStats(into: ManifestStats, from: ManifestStats): void {
  for (const key of Object.keys(into) as (keyof ManifestStats)[]) into[key] += from[key];
}

/**
 * Parses the Kubernetes objects of one YAML text (pure: no file system). Documents without
 * `apiVersion`/`kind` are skipped and counted (one `not-kubernetes` info per file, at the first
 * such document); a Helm/Go template is skipped whole with a `helm-template` warning; a syntax
 * error costs only its document (`yaml-syntax` error).
 *
 * @example
 * ```ts
 * const { documents } = parseManifests(text, 'apps/web.yaml');
 * documents[0].kind; // 'Deployment'
 * ```
 */
export function parseManifests(text: string, file: string): ParsedManifests {
  const stats = emptyStats();
  const templateLine = findTemplateLine(text);
  if (templateLine !== undefined) {
    stats.skippedTemplates = 1;
    return {
      documents: [],
      diagnostics: [
        {
          file,
          line: templateLine,
          column: 1,
          severity: 'warning',
          code: 'helm-template',
          message: `${file} is a Helm/Go template ({{ … }}); it is not read until rendered`,
        },
      ],
      stats,
    };
  }
  stats.files = 1;
  stats.bytes = text.length;
  const parsed = parseYaml(text, file);
  const diagnostics = [...parsed.diagnostics];
  stats.invalidDocuments = parsed.diagnostics.length;
  const documents: ManifestDocument[] = [];
  let firstSkippedLine: number | undefined;
  for (const document of parsed.documents) {
    if (document.value === null || document.value === undefined) {
      stats.emptyDocuments += 1;
      continue;
    }
    const manifest = toManifestDocument(document);
    if (manifest) {
      documents.push(manifest);
    } else {
      stats.skippedNonKubernetes += 1;
      firstSkippedLine ??= document.line;
    }
  }
  if (firstSkippedLine !== undefined) {
    const count = stats.skippedNonKubernetes;
    diagnostics.push({
      file,
      line: firstSkippedLine,
      severity: 'info',
      code: 'not-kubernetes',
      message: `${count} document${count === 1 ? '' : 's'} without apiVersion and kind skipped (not Kubernetes objects)`,
    });
  }
  stats.documents = documents.length;
  return { documents, diagnostics, stats };
}

/** The document as a Kubernetes object, or undefined when it has no string `apiVersion` and `kind`. */
export function toManifestDocument(document: YamlDocument): ManifestDocument | undefined {
  const value = document.value;
  if (!isPlainObject(value)) return undefined;
  const { apiVersion, kind } = value;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || apiVersion === '' || kind === '')
    return undefined;
  const metadata = isPlainObject(value.metadata) ? value.metadata : undefined;
  const name = typeof metadata?.name === 'string' ? metadata.name : '';
  const namespace = typeof metadata?.namespace === 'string' ? metadata.namespace : undefined;
  // Built by assignment, not a spread: this runs for every object of a repository.
  const manifest: Mutable<ManifestDocument> = {
    file: document.file,
    index: document.index,
    line: document.line,
    value,
    positions: document.positions,
    apiVersion,
    kind,
    name,
    object: value as KubernetesObject,
  };
  if (namespace !== undefined) manifest.namespace = namespace;
  return manifest;
}

/** True for a non-null, non-array object. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
