import * as z from 'zod';

/**
 * A label or annotation value, read as its text: Flux applies an object whose label or
 * annotation is a YAML boolean, number or null (see `readFluxObject`), so Sluice reads `true` as
 * `"true"` and null as `""`. A mapping or a list is refused.
 */
export const MetadataValue = z
  .union([z.string(), z.boolean(), z.number(), z.null()])
  .transform((value) => (value === null ? '' : String(value)));

/** `metadata` as far as Sluice reads it. */
export const ObjectMeta = z
  .object({
    name: z.string().optional(),
    namespace: z.string().optional(),
    labels: z.record(z.string(), MetadataValue).optional(),
    annotations: z.record(z.string(), MetadataValue).optional(),
  })
  .loose();
/** `metadata` as far as Sluice reads it. */
export type ObjectMeta = z.infer<typeof ObjectMeta>;

/** A reference to a Flux source or chart (`kind`, `name`, optional `namespace`). */
export const CrossNamespaceSourceReference = z
  .object({
    apiVersion: z.string().optional(),
    kind: z.string(),
    name: z.string(),
    namespace: z.string().optional(),
  })
  .loose();
/** A reference to a Flux source or chart. */
export type CrossNamespaceSourceReference = z.infer<typeof CrossNamespaceSourceReference>;

/** One `spec.dependsOn` entry. */
export const DependencyReference = z.object({ name: z.string(), namespace: z.string().optional() }).loose();
/** One `spec.dependsOn` entry. */
export type DependencyReference = z.infer<typeof DependencyReference>;

/** A kustomize `images:` entry (also Flux `spec.images` and post-renderer images). */
export const ImageOverride = z
  .object({
    name: z.string(),
    newName: z.string().optional(),
    newTag: z.string().optional(),
    digest: z.string().optional(),
  })
  .loose();
/** A kustomize `images:` entry. */
export type ImageOverride = z.infer<typeof ImageOverride>;

/** A kustomize patch target selector. */
export const PatchSelector = z
  .object({
    group: z.string().optional(),
    version: z.string().optional(),
    kind: z.string().optional(),
    name: z.string().optional(),
    namespace: z.string().optional(),
    labelSelector: z.string().optional(),
    annotationSelector: z.string().optional(),
  })
  .loose();
/** A kustomize patch target selector. */
export type PatchSelector = z.infer<typeof PatchSelector>;

/** An inline patch (`patch` text plus optional `target`). */
export const InlinePatch = z.object({ patch: z.string(), target: PatchSelector.optional() }).loose();
/** An inline patch. */
export type InlinePatch = z.infer<typeof InlinePatch>;

/** A legacy JSON 6902 patch (`patch` is a list of operations). */
export const JSON6902Patch = z
  .object({
    patch: z.array(z.object({ op: z.string(), path: z.string() }).loose()),
    target: PatchSelector,
  })
  .loose();
/** A legacy JSON 6902 patch. */
export type JSON6902Patch = z.infer<typeof JSON6902Patch>;

/** A reference to a ConfigMap or Secret holding values or variables. */
export const ValuesReference = z
  .object({
    kind: z.string(),
    name: z.string(),
    valuesKey: z.string().optional(),
    targetPath: z.string().optional(),
    optional: z.boolean().optional(),
  })
  .loose();
/** A reference to a ConfigMap or Secret holding values. */
export type ValuesReference = z.infer<typeof ValuesReference>;
