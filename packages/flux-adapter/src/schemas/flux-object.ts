import type { z } from 'zod';
import { checkAgainstCrd, type CrdIssue } from './check-against-crd.js';
import { ObjectMeta } from './common.js';
import { DECLINED, fastReader } from './read-fast.js';
import type { CrdNode } from './crd-structure.js';
import CRD_STRUCTURE_FILE from './crd-structures.json' with { type: 'json' };
import { HELM_RELEASE_GROUP, HELM_RELEASE_SPECS, type HelmReleaseSpec } from './helm-release.js';
import { KUSTOMIZATION_GROUP, KUSTOMIZATION_SPECS, type KustomizationSpec } from './kustomization.js';
import {
  ArtifactGeneratorSpec,
  SOURCE_EXTENSIONS_GROUP,
  SOURCE_GROUP,
  SOURCE_SPECS,
  sourceSpecSchema,
  type SourceKind,
} from './sources.js';

/** Fields every Flux object read by Sluice carries. */
interface FluxObjectBase {
  readonly apiVersion: string;
  /** The API version without its group, such as `v1beta2`. */
  readonly version: string;
  readonly name: string;
  /** `metadata.namespace`, when written. */
  readonly namespace: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** A Flux Kustomization as read from a manifest. */
export interface KustomizationObject extends FluxObjectBase {
  readonly kind: 'Kustomization';
  readonly spec: KustomizationSpec;
}

/** A Flux HelmRelease as read from a manifest. */
export interface HelmReleaseObject extends FluxObjectBase {
  readonly kind: 'HelmRelease';
  readonly spec: HelmReleaseSpec;
}

/** A Flux source (GitRepository, OCIRepository, HelmRepository, HelmChart, Bucket, ExternalArtifact). */
export interface SourceObject extends FluxObjectBase {
  readonly kind: SourceKind;
  readonly spec: Readonly<Record<string, unknown>>;
}

/** A source-watcher ArtifactGenerator. */
export interface ArtifactGeneratorObject extends FluxObjectBase {
  readonly kind: 'ArtifactGenerator';
  readonly spec: ArtifactGeneratorSpec;
}

/** Any Flux object Sluice reads, discriminated by `kind`. */
export type FluxObject = KustomizationObject | HelmReleaseObject | SourceObject | ArtifactGeneratorObject;

/**
 * Something Flux tolerates in an object, which Sluice reads the way Flux does: a field the CRD
 * does not have (`flux-field-pruned`: the API server drops it), or a label or annotation value
 * that is not a string (`flux-metadata-not-string`: read as its text).
 */
export interface FluxObjectWarning {
  readonly code: 'flux-field-pruned' | 'flux-metadata-not-string';
  /** Keys from the object's root to the field, such as `['spec', 'interval2']`. */
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** The result of reading one manifest as a Flux object. */
export type FluxObjectResult =
  | { readonly status: 'flux'; readonly object: FluxObject; readonly warnings: readonly FluxObjectWarning[] }
  /**
   * A Flux API group and kind that Flux refuses (the API server rejects it against the CRD, or
   * the controller cannot read it): `reason` says where. `name` is '' when none is written.
   */
  | {
      readonly status: 'invalid';
      readonly kind: string;
      readonly name: string;
      readonly namespace?: string;
      readonly reason: string;
    }
  /** Not a Flux object Sluice reads. */
  | { readonly status: 'other' };

const SOURCE_VERSIONS: Readonly<Record<string, readonly string[]>> = {
  GitRepository: ['v1', 'v1beta2', 'v1beta1'],
  OCIRepository: ['v1', 'v1beta2'],
  HelmRepository: ['v1', 'v1beta2', 'v1beta1'],
  HelmChart: ['v1', 'v1beta2', 'v1beta1'],
  Bucket: ['v1', 'v1beta2', 'v1beta1'],
  ExternalArtifact: ['v1'],
};

/** True when `apiVersion`/`kind` name a Flux Kustomization (not a kustomize `kustomization.yaml`). */
export function isFluxKustomization(value: unknown): boolean {
  const object = value as { apiVersion?: unknown; kind?: unknown } | null;
  return (
    typeof object?.apiVersion === 'string' &&
    object.apiVersion.startsWith(`${KUSTOMIZATION_GROUP}/`) &&
    object.kind === 'Kustomization'
  );
}

/**
 * Reads a parsed manifest as a Flux object, admitting it as the API server and the controllers
 * do. The spec is checked against the structural schema of the object's CRD version
 * (`crd-structures.json`, from the Flux CRDs): a wrong type, a missing required field, a value
 * outside an enum or pattern makes it `invalid` (Flux refuses it), a field the CRD does not have
 * is a warning (the API server prunes it). A label or annotation value that is not a string
 * (`enabled: true`) is a warning too: kustomize keeps a label's YAML scalar and quotes an
 * annotation's, label selectors match its text, and kustomize-controller applies the object
 * (it rebuilds the label map before applying); Sluice reads the text. Returns `other` for
 * anything that is not a Flux Kustomization, HelmRelease, source or ArtifactGenerator. Every
 * refusal keeps the object's name and namespace.
 *
 * @example
 * ```ts
 * const result = readFluxObject(document.value);
 * if (result.status === 'flux' && result.object.kind === 'Kustomization') use(result.object.spec.path);
 * ```
 */
export function readFluxObject(value: unknown): FluxObjectResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { status: 'other' };
  const record = value as Record<string, unknown>;
  const { apiVersion, kind } = record;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return { status: 'other' };
  const slash = apiVersion.indexOf('/');
  const group = slash === -1 ? '' : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  const schema = specSchema(group, kind, version);
  if (schema === 'other') return { status: 'other' };
  // The name and namespace are read on their own, so that every refusal names the object.
  const metadata = isRecord(record.metadata) ? record.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : undefined;
  const invalid = (reason: string): FluxObjectResult => ({
    status: 'invalid',
    kind,
    name,
    ...(namespace === undefined ? {} : { namespace }),
    reason,
  });
  if (schema === 'unsupported') return invalid(`unsupported API version ${apiVersion} for ${kind}`);
  if (record.metadata !== undefined && record.metadata !== null && !isRecord(record.metadata))
    return invalid('metadata: expected a mapping');
  const meta = parseFast(ObjectMeta, metadata);
  if (!meta.success) return invalid(describeIssues('metadata', meta.error));
  if (!name) return invalid('metadata.name is missing');
  const warnings: FluxObjectWarning[] = [
    ...metadataWarnings(metadata, 'labels'),
    ...metadataWarnings(metadata, 'annotations'),
  ];
  // The API server admits the object against the CRD's structural schema: a wrong type refuses
  // it, an unknown field is pruned (dropped with a warning).
  const structure = CRD_STRUCTURES[`${group}/${version}/${kind}`];
  if (structure) {
    const check = checkAgainstCrd(record.spec ?? {}, structure, ['spec']);
    if (check.errors.length > 0) return invalid(describeCrdIssues(check.errors));
    for (const issue of check.pruned) {
      warnings.push({
        code: 'flux-field-pruned',
        path: issue.path,
        message: `${issue.path.join('.')} is not a field of ${apiVersion} ${kind}: the API server drops it`,
      });
    }
  }
  // Kubernetes treats a null field (`postBuild:` with every line commented out) as absent.
  const spec = parseFast(schema, withoutNulls(record.spec));
  if (!spec.success) return invalid(describeIssues('spec', spec.error));
  const base: FluxObjectBase = {
    apiVersion,
    version,
    name,
    namespace,
    labels: meta.data.labels ?? {},
    annotations: meta.data.annotations ?? {},
  };
  return { status: 'flux', object: { ...base, kind, spec: spec.data } as FluxObject, warnings };
}

/**
 * `schema.safeParse(value)`, through the schema's fast reader when it reads the value (the same
 * data, see {@link fastReader}); zod parses what it declines, so refusals keep zod's messages.
 */
function parseFast<T extends z.ZodType>(schema: T, value: unknown): z.ZodSafeParseResult<z.output<T>> {
  const data = fastReader(schema)(value);
  if (data === DECLINED) return schema.safeParse(value);
  return { success: true, data: data as z.output<T> };
}

function specSchema(group: string, kind: string, version: string): z.ZodType | 'other' | 'unsupported' {
  if (group === KUSTOMIZATION_GROUP && kind === 'Kustomization') {
    return KUSTOMIZATION_SPECS[version as keyof typeof KUSTOMIZATION_SPECS] ?? 'unsupported';
  }
  if (group === HELM_RELEASE_GROUP && kind === 'HelmRelease') {
    return HELM_RELEASE_SPECS[version as keyof typeof HELM_RELEASE_SPECS] ?? 'unsupported';
  }
  if (group === SOURCE_GROUP && kind in SOURCE_SPECS) {
    return SOURCE_VERSIONS[kind]?.includes(version)
      ? sourceSpecSchema(kind as SourceKind, version)
      : 'unsupported';
  }
  if (group === SOURCE_EXTENSIONS_GROUP && kind === 'ArtifactGenerator') {
    return version === 'v1beta1' ? ArtifactGeneratorSpec : 'unsupported';
  }
  return 'other';
}

/** The spec schema of every Flux CRD version Sluice reads, by `group/version/kind`. */
const CRD_STRUCTURES = CRD_STRUCTURE_FILE as Readonly<Record<string, CrdNode>>;

function describeCrdIssues(issues: readonly CrdIssue[]): string {
  const shown = issues.slice(0, 3).map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  return `${shown.join('; ')}${issues.length > 3 ? ` (and ${issues.length - 3} more)` : ''}: the API server refuses it`;
}

/** A warning per label or annotation value that is not a string. */
function metadataWarnings(
  metadata: Record<string, unknown>,
  field: 'labels' | 'annotations',
): FluxObjectWarning[] {
  const values = metadata[field];
  if (!isRecord(values)) return [];
  const warnings: FluxObjectWarning[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === 'string') continue;
    const text = value === null ? '' : String(value);
    const how =
      field === 'labels'
        ? 'kustomize keeps it, selectors match its text and kustomize-controller applies the object with its labels rebuilt'
        : 'kustomize writes it as a string';
    warnings.push({
      code: 'flux-metadata-not-string',
      path: ['metadata', field, key],
      message: `metadata.${field}.${key} is ${value === null ? 'null' : `the ${typeof value} ${String(value)}`}, not a string: ${how}; read as ${JSON.stringify(text)} (quote it)`,
    });
  }
  return warnings;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeIssues(prefix: string, error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${[prefix, ...issue.path.map(String)].join('.')}: ${issue.message}`)
    .join('; ');
}

/**
 * The value without null fields: the value itself when it holds none (most specs; a HelmRelease's
 * values can be large, and the schemas only read them), else a copy.
 */
function withoutNulls(value: unknown): unknown {
  return holdsNullField(value) ? copyWithoutNulls(value) : value;
}

/**
 * True when a mapping somewhere inside `value` has a null field, or when it holds something
 * other than plain mappings and sequences (a YAML timestamp or binary: the copy turns those into
 * mappings, and the schemas must keep seeing what they saw). Iterative, each node once.
 */
function holdsNullField(value: unknown): boolean {
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item !== 'object' || item === null || seen.has(item)) continue;
    seen.add(item);
    if (Array.isArray(item)) {
      for (const child of item) if (typeof child === 'object') stack.push(child);
      continue;
    }
    if (Object.getPrototypeOf(item) !== Object.prototype) return true;
    const record = item as Record<string, unknown>;
    const keys = Object.keys(record);
    for (let index = 0; index < keys.length; index += 1) {
      const child = record[keys[index]!];
      if (child === null) return true;
      if (typeof child === 'object') stack.push(child);
    }
  }
  return false;
}

/** A copy without null fields; a node shared through YAML aliases is copied once (an alias bomb stays linear). */
function copyWithoutNulls(value: unknown, copies = new Map<object, unknown>()): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const done = copies.get(value);
  if (done !== undefined) return done;
  const copy = Array.isArray(value)
    ? value.map((item: unknown) => copyWithoutNulls(item, copies))
    : Object.fromEntries(
        Object.entries(value)
          .filter(([, item]) => item !== null)
          .map(([key, item]) => [key, copyWithoutNulls(item, copies)]),
      );
  copies.set(value, copy);
  return copy;
}
