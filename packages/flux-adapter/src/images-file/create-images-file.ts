import type { Diagnostic, ImageEntry, ImageLocation } from '@sluice/core';
// From the subpath without the schemas: `sluice images --format json` in plain mode loads this
// module and not the rest of the adapter (see ./write.ts).
import { compareLocations, compareStrings, escapeJsonForTerminal } from '@sluice/core/extract';
import type { FluxWorkload } from '../model.js';
import { selectCluster } from '../load/select-cluster.js';
import type { ImagesFile, ImagesFileWorkload } from './images-file-schema.js';
import { IMAGES_FILE_VERSION } from './images-file-version.js';

/** What {@link createImagesFile} serialises: a repository model, Flux or plain. */
export interface ImagesFileInput {
  /** The Flux objects (empty for plain manifests). */
  readonly workloads: readonly FluxWorkload[];
  /** Every unique image with its locations. */
  readonly images: readonly ImageEntry[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Options of {@link createImagesFile}. */
export interface CreateImagesFileOptions {
  /** @default 'flux' when there are workloads, else 'plain' */
  readonly mode?: 'flux' | 'plain';
  /**
   * Only this cluster (entry folder): as the `cluster` option of `loadFluxRepository` keeps it
   * (its objects and those no cluster reaches, the image locations they deploy, and every
   * diagnostic but those of another cluster's objects).
   * @default the whole repository
   */
  readonly cluster?: string;
}

/**
 * Serialises a repository model as the images file (`version: 1`, see {@link ImagesFile}):
 * the data `buildGateReport` needs to decide exactly as it does on the repository itself.
 * Deterministic: workloads by id then cluster, images by reference, as the model sorts them.
 * The file's image locations are the model's own objects, not copies: treat both as read-only.
 *
 * @example
 * ```ts
 * const repo = await loadFluxRepository(root);
 * await writeFile('images.json', serializeImagesFile(createImagesFile(repo)));
 * ```
 */
export function createImagesFile(input: ImagesFileInput, options: CreateImagesFileOptions = {}): ImagesFile {
  const { cluster } = options;
  const {
    workloads: selected,
    images,
    diagnostics,
  } = cluster === undefined ? input : selectCluster(input, cluster);
  const workloads = [...selected];
  const sorted = workloads.sort(
    (a, b) => compareStrings(a.id, b.id) || compareStrings(a.cluster ?? '', b.cluster ?? ''),
  );
  return {
    version: IMAGES_FILE_VERSION,
    mode: options.mode ?? (workloads.length > 0 ? 'flux' : 'plain'),
    ...(cluster === undefined ? {} : { cluster }),
    summary: {
      workloads: sorted.length,
      unresolved: sorted.filter((workload) => workload.method === 'unresolved').length,
      images: images.length,
    },
    workloads: sorted.map(toFileWorkload),
    images: images.map(toFileImage),
    diagnostics: diagnostics.map((diagnostic) => ({ ...diagnostic })),
  };
}

/**
 * The images file as text: JSON with two-space indentation and a final newline (readable in a
 * ConfigMap and in a diff). The same file always gives the same bytes.
 */
export function serializeImagesFile(file: ImagesFile): string {
  // Names come from the repository: printed or embedded in the gate's YAML, they stay inert.
  return `${escapeJsonForTerminal(JSON.stringify(file, null, 2))}\n`;
}

function toFileWorkload(workload: FluxWorkload): ImagesFileWorkload {
  return {
    id: workload.id,
    kind: workload.kind,
    namespace: workload.namespace,
    name: workload.name,
    ...(workload.cluster === undefined ? {} : { cluster: workload.cluster }),
    ...(workload.parent === undefined ? {} : { parent: workload.parent }),
    file: workload.file,
    line: workload.line,
    dependsOn: workload.dependsOn.map((entry) => ({
      name: entry.name,
      ...(entry.namespace === undefined ? {} : { namespace: entry.namespace }),
      ...(entry.file === undefined ? {} : { file: entry.file }),
      ...(entry.line === undefined ? {} : { line: entry.line }),
    })),
    suspended: workload.suspended,
    method: workload.method,
    ...(workload.unresolvedReason === undefined ? {} : { unresolvedReason: workload.unresolvedReason }),
    ...(workload.source === undefined ? {} : { source: workload.source }),
    ...(workload.path === undefined ? {} : { path: workload.path }),
    ...(workload.chart === undefined ? {} : { chart: workload.chart }),
    ...(workload.synthetic === undefined ? {} : { synthetic: workload.synthetic }),
    images: workload.images.map((image) => image.ref),
  };
}

/**
 * The repository model an images file stands for: its workloads with their images and their
 * locations (each location of the file's image list that names the workload), its images and
 * diagnostics. What `buildGateReport` needs, as `loadFluxRepository` gives it.
 *
 * @example
 * ```ts
 * const model = toRepositoryModel(parseImagesFile(text, 'images.json'));
 * buildGateReport({ ...model, outcomes, policy, tool: { version } });
 * ```
 */
export function toRepositoryModel(file: ImagesFile): {
  workloads: FluxWorkload[];
  images: ImageEntry[];
  diagnostics: Diagnostic[];
} {
  const locationsOf = new Map(file.images.map((image) => [image.ref, image.locations]));
  const workloads = file.workloads.map((workload): FluxWorkload => ({
    ...workload,
    images: workload.images.map((ref) => ({
      ref,
      locations: (locationsOf.get(ref) ?? []).filter((location) =>
        location.fluxObjects?.includes(workload.id),
      ),
    })),
  }));
  return { workloads, images: file.images, diagnostics: file.diagnostics };
}

// The file shares the model's location objects (and their `fluxObjects` lists) instead of
// copying them: the file is only read (serialised, or wired into a gate by new objects), and a
// copy of every location cost a tenth of a plain run on 10,000 workloads, mostly in the garbage
// collector. The entry is rebuilt so that the file holds exactly `ref` and `locations`.
function toFileImage(image: ImageEntry): ImageEntry {
  return { ref: image.ref, locations: image.locations };
}

/**
 * The unique images some workloads deploy: locations merged by place (file, line, column, object,
 * field), each naming every Flux object that deploys it; sorted as the loader sorts them.
 */
export function mergeImages(workloads: readonly FluxWorkload[]): ImageEntry[] {
  const byRef = new Map<string, Map<string, ImageLocation>>();
  for (const workload of workloads) {
    for (const image of workload.images) {
      let locations = byRef.get(image.ref);
      if (!locations) byRef.set(image.ref, (locations = new Map()));
      for (const location of image.locations) {
        const { fluxObjects, ...place } = location;
        const key = JSON.stringify(place);
        const existing = locations.get(key);
        const objects = new Set([...(existing?.fluxObjects ?? []), ...(fluxObjects ?? [])]);
        locations.set(key, {
          ...place,
          ...(objects.size > 0 ? { fluxObjects: [...objects].sort(compareStrings) } : {}),
        });
      }
    }
  }
  return [...byRef.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([ref, locations]) => ({ ref, locations: [...locations.values()].sort(compareLocations) }));
}
