import { normalizeImageName } from './image-argument.js';
import type { ImageName } from './image-argument.js';
import type { TrivyMetadata } from './trivy-report.js';

/**
 * The digest of the scanned image from a report's `Metadata.RepoDigests` (`repo@sha256:…`):
 * the entry of the image's own repository when there is one, else the first.
 */
export function reportDigest(metadata: TrivyMetadata | undefined, ref?: string): string | undefined {
  const repository = ref === undefined ? undefined : normalizeImageName(ref)?.repository;
  const pinned = (metadata?.RepoDigests ?? [])
    .map((entry) => normalizeImageName(entry))
    .filter((name): name is ImageName => name?.digest !== undefined);
  return (pinned.find((name) => name.repository === repository) ?? pinned[0])?.digest;
}
