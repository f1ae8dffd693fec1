import { Diagnostic, ImageEntry } from '@sluice/core';
import * as z from 'zod';
import type { DependsOnEntry, FluxWorkload } from '../model.js';
import { IMAGES_FILE_VERSION } from './images-file-version.js';

export { IMAGES_FILE_VERSION };

/** One `spec.dependsOn` entry in the images file; see {@link DependsOnEntry}. */
export const ImagesFileDependsOn = z.strictObject({
  name: z.string().min(1),
  namespace: z.string().min(1).optional(),
  file: z.string().optional(),
  line: z.number().int().positive().optional(),
});

/**
 * One Flux Kustomization or HelmRelease in the images file: a serialised {@link FluxWorkload}
 * whose `images` are references, each written once with its locations in the file's `images`.
 */
export const ImagesFileWorkload = z.strictObject({
  id: z.string().min(1),
  kind: z.enum(['Kustomization', 'HelmRelease']),
  namespace: z.string().min(1),
  name: z.string().min(1),
  cluster: z.string().optional(),
  parent: z.string().optional(),
  file: z.string(),
  line: z.number().int().positive(),
  dependsOn: z.array(ImagesFileDependsOn),
  suspended: z.boolean(),
  method: z.enum(['rendered', 'values', 'helm-template', 'unresolved']),
  unresolvedReason: z.string().optional(),
  source: z.string().optional(),
  path: z.string().optional(),
  chart: z.string().optional(),
  synthetic: z.boolean().optional(),
  /** The normalized references of the images it deploys itself, sorted. */
  images: z.array(z.string().min(1)),
});
/** One Flux object in the images file. */
export type ImagesFileWorkload = z.infer<typeof ImagesFileWorkload>;

/**
 * The images file (`version: 1`): a serialised slice of the repository model — every Flux
 * Kustomization and HelmRelease with its images, `dependsOn` and unresolved reason, every unique
 * image with the places it is written, and the diagnostics of reading the repository. It is what
 * `sluice images --format json` prints and what `sluice scan --images-from FILE` reads (see
 * `readImagesFileModel` for the model it stands for), and the
 * in-cluster gate carries it in its ConfigMap: a scan of the file decides exactly as a scan of
 * the repository (the same `buildGateReport`).
 */
export const ImagesFile = z.strictObject({
  version: z.literal(IMAGES_FILE_VERSION),
  /** `flux`: the Flux objects decide; `plain`: plain manifests, the images alone decide. */
  mode: z.enum(['flux', 'plain']),
  /** The cluster (entry folder) the file is limited to, when it is. */
  cluster: z.string().optional(),
  /** Counts, for people reading the file; ignored when it is read. */
  summary: z
    .strictObject({
      workloads: z.number().int().nonnegative(),
      unresolved: z.number().int().nonnegative(),
      images: z.number().int().nonnegative(),
    })
    .optional(),
  workloads: z.array(ImagesFileWorkload),
  images: z.array(ImageEntry),
  diagnostics: z.array(Diagnostic),
});
/** The images file; see the schema of the same name. */
export type ImagesFile = z.infer<typeof ImagesFile>;

// The file and the model must not drift apart: a file's workload is a FluxWorkload but for its
// image list, and both have the same fields (a field added to the model fails here until the file
// carries it).
type Assignable<A, B> = [A] extends [B] ? true : never;
const modelMatches: [
  Assignable<Omit<ImagesFileWorkload, 'images'>, Omit<FluxWorkload, 'images'>>,
  Assignable<keyof FluxWorkload, keyof ImagesFileWorkload>,
  Assignable<keyof ImagesFileWorkload, keyof FluxWorkload>,
  Assignable<keyof DependsOnEntry, keyof z.infer<typeof ImagesFileDependsOn>>,
] = [true, true, true, true];
void modelMatches;
