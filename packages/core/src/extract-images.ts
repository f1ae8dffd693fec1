import type { WalkNodes } from './bounded-walk.js';
import { nodePath, walkObjects } from './bounded-walk.js';
import type { Diagnostic } from './diagnostic.js';
import type { ExtractTarget, ExtractorContext, ImageExtractor, ImageField } from './image-extractor.js';
import {
  BUILTIN_EXTRACTORS,
  apiGroupOf,
  customResourceImageExtractor,
  findCustomResourceImageFields,
  isCustomResource,
  isPodSpecLike,
  podSpecFields,
  workloadExtractor,
} from './image-extractor.js';
import type { ImageRef } from './image-reference.js';
import { tryParseImageReference } from './image-reference.js';
import type { ManifestDocument, Mutable } from './manifest.js';
import { isPlainObject } from './manifest.js';
import type { ImageLocation } from './report.js';
import type { SourcePosition } from './source-text.js';

/** One image reference written in a manifest, where it is written and what deploys it. */
export interface ImageReference {
  /** The image text exactly as parsed from YAML. */
  readonly raw: string;
  /** The parsed, normalized reference. */
  readonly ref: ImageRef;
  /** Relative file path, forward slashes. */
  readonly file: string;
  /** 1-based line of the first character of the image text. */
  readonly line: number;
  /** 1-based column of the first character of the image text (after an opening quote). */
  readonly column: number;
  /** False when the value's position was unknown and `line`/`column` are the object's. */
  readonly exact: boolean;
  /** 0-based index of the YAML document in the file. */
  readonly documentIndex: number;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** Container name, when the image runs in a container. */
  readonly container?: string;
  /** Dotted path of the field, such as `spec.template.spec.containers[0].image`. */
  readonly fieldPath: string;
  /** The extractor that found it (`workload`, `pod-spec`, `cloudnative-pg`, …). */
  readonly extractor: string;
}

/** Images found and the references that could not be read. */
export interface ExtractedImages {
  readonly references: ImageReference[];
  readonly diagnostics: Diagnostic[];
}

/** Options of {@link extractImages}; every field is optional. */
export interface ExtractImagesOptions {
  /** Extractors to run before the built-ins. Default: none. */
  readonly extractors?: readonly ImageExtractor[];
  /** Run {@link BUILTIN_EXTRACTORS}. Default: `true`. */
  readonly builtinExtractors?: boolean;
  /** Look for PodSpec-shaped objects anywhere inside kinds no extractor claims as a workload. Default: `true`. */
  readonly genericPodSpecs?: boolean;
  /** Most values visited per object by the PodSpec search (a `walk-limit` warning past it). Default: `100000`. */
  readonly maxNodes?: number;
  /** Deepest nesting the PodSpec search enters. Default: `64`. */
  readonly maxDepth?: number;
}

/** Looks up where a value is written; {@link YamlPositions} is one. */
export interface PositionLookup {
  positionOf(container: object, key: string | number): SourcePosition | undefined;
}

/** Where an object passed to {@link extractImagesFromObject} comes from. */
export interface ObjectContext {
  /** Relative file path reported with each reference. */
  readonly file: string;
  /** Document index reported with each reference. Default: `0`. */
  readonly documentIndex?: number;
  /** Position reported when a value's own position is unknown. Default: line 1, column 1. */
  readonly line?: number;
  readonly column?: number;
  /** Kind, name and namespace reported with each reference; default: the object's own. */
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
  /** Prefix of every field path, such as `spec.values` for Helm values. Default: `''`. */
  readonly fieldPathPrefix?: string;
}

const DEFAULT_MAX_NODES = 100_000;
// Kinds that never run a container: their (often large) bodies are not searched for PodSpecs.
const NO_POD_SPECS = new Set(['CustomResourceDefinition', 'ConfigMap', 'Secret']);
// API groups whose kinds never hold a PodSpec: kustomize files and Flux's own objects (a
// HelmRelease is searched: its values may carry PodSpecs).
const NO_POD_SPEC_GROUP = /^kustomize\.config\.k8s\.io$|(^|\.)fluxcd\.io$/;

function mayHoldPodSpecs(target: ExtractTarget): boolean {
  if (NO_POD_SPECS.has(target.kind)) return false;
  return target.kind === 'HelmRelease' || !NO_POD_SPEC_GROUP.test(apiGroupOf(target.apiVersion));
}
const DEFAULT_MAX_DEPTH = 64;
const CONTEXT: ExtractorContext = { podSpecFields };

/**
 * Finds every image reference in parsed manifests: the PodSpecs of workload kinds, PodSpec-
 * shaped objects inside any other kind (Argo Rollouts, KEDA ScaledJobs, Knative Services, …),
 * image volumes, and what the extractors find (CloudNativePG, prometheus-operator, custom
 * resources with `spec.image`, and yours). Invalid references and unresolved variables become
 * diagnostics (`invalid-image-reference`, `unresolved-variable`), never images. The search is
 * bounded: each object is visited once however often YAML aliases repeat it. `documents` may be
 * any iterable, such as {@link streamManifestFiles}'s, read once.
 *
 * @example
 * ```ts
 * const { documents } = await loadManifests('./repo');
 * const { references, diagnostics } = extractImages(documents);
 * const images = collectUniqueImages(references);
 * ```
 */
export function extractImages(
  documents: Iterable<ManifestDocument>,
  options: ExtractImagesOptions = {},
): ExtractedImages {
  const references: ImageReference[] = [];
  const diagnostics: Diagnostic[] = [];
  const uncovered = new Set<string>();
  for (const document of documents) {
    const result = extractImagesFromObject(
      document.object,
      document.positions,
      { file: document.file, documentIndex: document.index, line: document.line },
      options,
    );
    references.push(...result.references);
    for (const diagnostic of result.diagnostics) {
      // One note per custom resource kind is enough.
      if (diagnostic.code === 'uncovered-custom-resource') {
        const kind = `${document.apiVersion} ${document.kind}`;
        if (uncovered.has(kind)) continue;
        uncovered.add(kind);
      }
      diagnostics.push(diagnostic);
    }
  }
  return { references, diagnostics };
}

/**
 * Finds the image references of one object: a Kubernetes object, a rendered object without
 * positions, or a fragment such as Helm values (give `context.kind`/`name` and
 * `fieldPathPrefix`). `positions` may be undefined; references then carry the context's
 * position and `exact: false`.
 */
export function extractImagesFromObject(
  object: unknown,
  positions: PositionLookup | undefined,
  context: ObjectContext,
  options: ExtractImagesOptions = {},
): ExtractedImages {
  const references: ImageReference[] = [];
  const diagnostics: Diagnostic[] = [];
  if (!isPlainObject(object)) return { references, diagnostics };
  const target = targetOf(object, context);
  const { fields, truncated } = findImageFields(object, options, target);
  if (truncated) {
    diagnostics.push({
      file: context.file,
      ...(context.line === undefined ? {} : { line: context.line }),
      severity: 'warning',
      code: 'walk-limit',
      message: `${describe(target)} is too large or too deeply nested to search completely for images; some may be missed`,
      object: describe(target),
    });
  }
  const prefix = context.fieldPathPrefix ?? '';
  if (fields.length === 0 && !truncated && isCustomResource(target))
    diagnostics.push(uncoveredDiagnostic(target, context));
  for (const { field, extractor } of fields) {
    const value = field.value ?? (field.holder as Record<string | number, unknown>)[field.key];
    if (value === undefined || value === null) continue;
    const position = positions?.positionOf(field.holder, field.key);
    const line = position?.line ?? context.line ?? 1;
    const column = position?.column ?? context.column ?? 1;
    const fieldPath =
      prefix === '' ? field.fieldPath : field.fieldPath === '' ? prefix : `${prefix}.${field.fieldPath}`;
    // Only diagnostics say where: not built for every valid image.
    const where = (): string =>
      `${describe(target)}${field.container === undefined ? '' : ` container ${field.container}`} (${fieldPath})`;
    if (field.problem !== undefined || typeof value !== 'string') {
      diagnostics.push({
        file: context.file,
        line,
        column,
        severity: 'error',
        code: 'invalid-image-reference',
        message: `the image of ${where()} is ${field.problem ?? 'not a string'}: what runs is unknown`,
        object: describe(target),
      });
      continue;
    }
    const raw = detachString(value);
    const parsed = tryParseImageReference(raw);
    if (!parsed.ok) {
      const code = isSopsEncrypted(value)
        ? 'encrypted-image'
        : parsed.reason === 'unresolved-variable'
          ? 'unresolved-variable'
          : 'invalid-image-reference';
      diagnostics.push({
        file: context.file,
        line,
        column,
        severity: 'error',
        code,
        message: `${JSON.stringify(value)} in ${where()}: ${parsed.message}`,
        object: describe(target),
      });
      continue;
    }
    // Built by assignment, not spreads: this runs for every image of a repository.
    const reference: Mutable<ImageReference> = {
      raw,
      ref: parsed.ref,
      file: context.file,
      line,
      column,
      exact: position !== undefined,
      documentIndex: context.documentIndex ?? 0,
      kind: target.kind,
      name: target.name,
      fieldPath,
      extractor,
    };
    if (target.namespace !== undefined) reference.namespace = target.namespace;
    if (field.container !== undefined) reference.container = field.container;
    references.push(reference);
  }
  return { references, diagnostics };
}

/** The image fields of one object, as {@link findImageFields} finds them. */
export interface FoundImageFields {
  /** Every field an extractor or the PodSpec search found, once each, with who found it. */
  readonly fields: readonly { readonly field: ImageField; readonly extractor: string }[];
  /** The PodSpec search stopped at its node budget or depth limit: some fields may be missing. */
  readonly truncated: boolean;
}

/**
 * Every image field of one object, valid or not: what the extractors (yours, then the built-ins)
 * and the PodSpec search find, each field once. {@link extractImagesFromObject} reads and checks
 * their values; the Flux adapter reads them on rendered objects.
 */
export function findImageFields(
  object: Record<string, unknown>,
  options: ExtractImagesOptions = {},
  target: ExtractTarget = targetOf(object, { file: '' }),
): FoundImageFields {
  const builtins = options.builtinExtractors === false ? [] : BUILTIN_EXTRACTORS;
  const extractors = options.extractors ? [...options.extractors, ...builtins] : builtins;
  const found: Found = { entries: [], seen: undefined };
  let workload = false;
  let truncated = false;
  for (const extractor of extractors) {
    if (!extractor.matches(target)) continue;
    if (extractor === workloadExtractor) workload = true;
    if (extractor === customResourceImageExtractor) {
      // The built-in generic search says when it stopped at its budget.
      const search = findCustomResourceImageFields(target.object.spec);
      truncated ||= search.truncated;
      for (const field of search.fields) addField(found, field, extractor.name);
      continue;
    }
    for (const field of extractor.extract(target, CONTEXT)) addField(found, field, extractor.name);
  }
  if (!workload && options.genericPodSpecs !== false && mayHoldPodSpecs(target)) {
    const walk = findPodSpecs(
      object,
      options.maxNodes ?? DEFAULT_MAX_NODES,
      options.maxDepth ?? DEFAULT_MAX_DEPTH,
    );
    for (const field of walk.fields) addField(found, field, 'pod-spec');
    truncated ||= walk.truncated;
  }
  return { fields: found.entries, truncated };
}

/**
 * The `uncovered-custom-resource` note: a custom resource in which no field Sluice knows holds an
 * image. Its operator may still run one (from a field Sluice does not know, or its defaults).
 */
function uncoveredDiagnostic(target: ExtractTarget, context: ObjectContext): Diagnostic {
  return {
    file: context.file,
    ...(context.line === undefined ? {} : { line: context.line }),
    severity: 'info',
    code: 'uncovered-custom-resource',
    message: `${target.apiVersion} ${target.kind} (${describe(target)}) has no field Sluice knows as an image (image, imageName, {repository, tag}, a PodSpec): an image its operator runs is not seen; write an extractor for it if it runs one`,
    object: describe(target),
  };
}

// SOPS writes an encrypted value as `ENC[AES256_GCM,data:…,iv:…,tag:…,type:str]`.
const SOPS_VALUE = /^ENC\[[A-Z0-9_]+,data:/;

/** True for a value SOPS encrypted (`ENC[AES256_GCM,data:…]`): only the cluster can decrypt it. */
export function isSopsEncrypted(text: string): boolean {
  return SOPS_VALUE.test(text);
}

/** The report form of a reference (`ImageLocation` of report.ts). */
export function toImageLocation(reference: ImageReference): ImageLocation {
  const location: ImageLocation = {
    file: reference.file,
    line: reference.line,
    column: reference.column,
    raw: reference.raw,
    kind: reference.kind,
    name: reference.name,
    fieldPath: reference.fieldPath,
    documentIndex: reference.documentIndex,
  };
  if (reference.namespace !== undefined) location.namespace = reference.namespace;
  if (reference.container !== undefined) location.container = reference.container;
  return location;
}

function targetOf(object: Record<string, unknown>, context: ObjectContext): ExtractTarget {
  const metadata = isPlainObject(object.metadata) ? object.metadata : undefined;
  const namespace =
    context.namespace ?? (typeof metadata?.namespace === 'string' ? metadata.namespace : undefined);
  const target: Mutable<ExtractTarget> = {
    apiVersion: typeof object.apiVersion === 'string' ? object.apiVersion : '',
    kind: context.kind ?? (typeof object.kind === 'string' ? object.kind : ''),
    name: context.name ?? (typeof metadata?.name === 'string' ? metadata.name : ''),
    object,
  };
  if (namespace !== undefined) target.namespace = namespace;
  return target;
}

function describe(target: ExtractTarget): string {
  return `${target.kind || 'object'}/${target.namespace ? `${target.namespace}/` : ''}${target.name}`;
}

interface Found {
  readonly entries: { field: ImageField; extractor: string }[];
  seen: Map<object, Set<string | number>> | undefined;
}

/**
 * Adds a field unless it was found already (by an extractor and by the PodSpec search). Most
 * objects hold a few image fields, so a scan beats a Map until there are many.
 */
function addField(found: Found, field: ImageField, extractor: string): void {
  if (found.seen) {
    const keys = found.seen.get(field.holder);
    if (keys?.has(field.key)) return;
    if (keys) keys.add(field.key);
    else found.seen.set(field.holder, new Set([field.key]));
  } else {
    for (const entry of found.entries)
      if (entry.field.holder === field.holder && entry.field.key === field.key) return;
    if (found.entries.length >= 32) {
      found.seen = new Map();
      for (const entry of [...found.entries, { field }]) {
        const keys = found.seen.get(entry.field.holder);
        if (keys) keys.add(entry.field.key);
        else found.seen.set(entry.field.holder, new Set([entry.field.key]));
      }
    }
  }
  found.entries.push({ field, extractor });
}

/**
 * Searches for PodSpec-shaped objects, bounded by `maxNodes` values and `maxDepth` levels.
 * Most objects are small trees, so a first pass goes without a visited set; a pass that runs
 * out of budget may be going round shared (aliased) objects, so it is redone with one, and
 * then every object is entered once (a billion-laughs document is a small graph).
 */
function findPodSpecs(
  root: object,
  maxNodes: number,
  maxDepth: number,
): { fields: ImageField[]; truncated: boolean } {
  const fields: ImageField[] = [];
  const quickLimits = {
    maxNodes: Math.min(maxNodes, QUICK_WALK_NODES),
    maxDepth,
    skipRootKeys: NOT_SEARCHED_ROOT_KEYS,
  };
  const quick = walkObjects(root, '', collectPodSpecs, fields, quickLimits, undefined);
  if (!quick.exhausted || maxNodes <= QUICK_WALK_NODES) return { fields, truncated: quick.truncated };
  fields.length = 0;
  const limits = { maxNodes, maxDepth, skipRootKeys: NOT_SEARCHED_ROOT_KEYS };
  return { fields, truncated: walkObjects(root, '', collectPodSpecs, fields, limits, new Set()).truncated };
}

const QUICK_WALK_NODES = 5_000;
// Object metadata and status never hold a PodSpec.
const NOT_SEARCHED_ROOT_KEYS: ReadonlySet<string> = new Set(['metadata', 'status']);

function collectPodSpecs(
  record: Record<string, unknown>,
  node: number,
  nodes: WalkNodes,
  fields: ImageField[],
): boolean {
  if (!isPodSpecLike(record)) return false;
  fields.push(...podSpecFields(record, nodePath(nodes, node)));
  return true;
}

/**
 * The same text, held on its own. js-yaml's scalars are slices of the whole file's text (its own
 * copy, with a `\0` appended), and V8 keeps a slice's parent alive: every image reference kept
 * to the end of a run (its raw text, the parse cache's key, the strings of its `ImageRef`) would
 * keep its file's text alive with it, which the garbage collector then copies and promotes (on
 * 10,000 workloads, 7.6 MB of texts for 10,000 short strings). Concatenating makes a new string
 * that `slice` flattens into a fresh copy of only these characters.
 */
function detachString(text: string): string {
  return ` ${text}`.slice(1);
}
