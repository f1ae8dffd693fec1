import type { ImageEntry, ImageLocation } from '@sluice/core';
import type { FluxRepository } from '../model.js';

/**
 * The part of a loaded repository that one cluster deploys: its workloads and those no cluster
 * reaches (listed in every view, as they are not deployed anywhere), the image locations these
 * deploy (naming only these objects), and every diagnostic except those about another cluster's
 * objects.
 */
export function selectCluster(
  repository: Pick<FluxRepository, 'workloads' | 'images' | 'diagnostics'>,
  cluster: string,
): FluxRepository {
  const workloads = repository.workloads.filter(
    (workload) => workload.cluster === undefined || workload.cluster === cluster,
  );
  const kept = new Set(workloads.map((workload) => workload.id));
  const elsewhere = new Set(
    repository.workloads.filter((workload) => !kept.has(workload.id)).map((workload) => workload.id),
  );
  const images: ImageEntry[] = [];
  for (const image of repository.images) {
    const locations: ImageLocation[] = [];
    for (const location of image.locations) {
      const objects = location.fluxObjects?.filter((id) => kept.has(id));
      if (location.fluxObjects === undefined) locations.push(location);
      else if (objects && objects.length > 0) locations.push({ ...location, fluxObjects: objects });
    }
    if (locations.length > 0) images.push({ ref: image.ref, locations });
  }
  return {
    workloads,
    images,
    diagnostics: repository.diagnostics.filter(
      (diagnostic) => diagnostic.object === undefined || !elsewhere.has(diagnostic.object),
    ),
    clusters: [cluster],
  };
}
