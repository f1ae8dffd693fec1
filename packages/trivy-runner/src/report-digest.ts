import { normalizeImageName } from './image-argument.js';
import type { TrivyReport } from './trivy-report.js';

/**
 * The digest of the scanned image from a report's `Metadata.RepoDigests` (`repo@sha256:…`):
 * the entry of the image's own repository when there is one, else the first.
 */
export function reportDigest(report: TrivyReport, ref?: string): string | undefined {
  const digests = report.Metadata?.RepoDigests ?? [];
  const repository = ref === undefined ? undefined : normalizeImageName(ref).repository;
  const parsed = digests
    .map((entry) => normalizeImageName(entry))
    .filter((name) => name.digest !== undefined);
  return (parsed.find((name) => name?.repository === repository) ?? parsed[0])?.digest;
}
