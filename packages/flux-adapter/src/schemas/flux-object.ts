import type { z } from 'zod';
import { ObjectMeta } from './common.js';
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

/** The result of reading one manifest as a Flux object. */
export type FluxObjectResult =
  | { readonly status: 'flux'; readonly object: FluxObject }
  /** A Flux API group and kind, but the object does not match the schema: `reason` says where. */
  | { readonly status: 'invalid'; readonly kind: string; readonly name: string; readonly reason: string }
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
 * Reads a parsed manifest as a Flux object: validates the fields Sluice uses against the schema
 * of its API version. Returns `other` for anything that is not a Flux Kustomization, HelmRelease,
 * source or ArtifactGenerator, and `invalid` (with the first offending field) when it is one but
 * does not match.
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
  const meta = ObjectMeta.safeParse(record.metadata ?? {});
  const name = meta.success ? meta.data.name : undefined;
  if (schema === 'unsupported') {
    return {
      status: 'invalid',
      kind,
      name: name ?? '',
      reason: `unsupported API version ${apiVersion} for ${kind}`,
    };
  }
  if (!meta.success)
    return { status: 'invalid', kind, name: '', reason: describeIssues('metadata', meta.error) };
  if (!name) return { status: 'invalid', kind, name: '', reason: 'metadata.name is missing' };
  // Kubernetes treats a null field (`postBuild:` with every line commented out) as absent.
  const spec = schema.safeParse(withoutNulls(record.spec));
  if (!spec.success) return { status: 'invalid', kind, name, reason: describeIssues('spec', spec.error) };
  const base: FluxObjectBase = {
    apiVersion,
    version,
    name,
    namespace: meta.data.namespace,
    labels: meta.data.labels ?? {},
    annotations: meta.data.annotations ?? {},
  };
  return { status: 'flux', object: { ...base, kind, spec: spec.data } as FluxObject };
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

function describeIssues(prefix: string, error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${[prefix, ...issue.path.map(String)].join('.')}: ${issue.message}`)
    .join('; ');
}

/** A copy without null fields; a node shared through YAML aliases is copied once (an alias bomb stays linear). */
function withoutNulls(value: unknown, copies = new Map<object, unknown>()): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const done = copies.get(value);
  if (done !== undefined) return done;
  const copy = Array.isArray(value)
    ? value.map((item: unknown) => withoutNulls(item, copies))
    : Object.fromEntries(
        Object.entries(value)
          .filter(([, item]) => item !== null)
          .map(([key, item]) => [key, withoutNulls(item, copies)]),
      );
  copies.set(value, copy);
  return copy;
}
