import { createHash } from 'node:crypto';
import type { YamlMap } from '../kustomize/resource.js';

/**
 * The Helm release name helm-controller uses: `spec.releaseName`, else
 * `[targetNamespace-]name` (`HelmRelease.GetReleaseName`), shortened past 53 characters to its
 * first 40 characters, `-` and the first 12 hex characters of its SHA-256
 * (`internal/release.ShortenName`).
 */
export function releaseNameOf(spec: YamlMap, name: string): string {
  const targetNamespace = typeof spec.targetNamespace === 'string' ? spec.targetNamespace : '';
  const full =
    typeof spec.releaseName === 'string' && spec.releaseName !== ''
      ? spec.releaseName
      : targetNamespace !== ''
        ? `${targetNamespace}-${name}`
        : name;
  return shortenReleaseName(full);
}

/** helm-controller's `ShortenName`: names up to 53 characters are kept. */
export function shortenReleaseName(name: string): string {
  if (name.length <= 53) return name;
  const hash = createHash('sha256').update(name).digest('hex');
  return `${name.slice(0, 53 - 13)}-${hash.slice(0, 12)}`;
}

/** The namespace the release installs into: `spec.targetNamespace`, else the HelmRelease's. */
export function releaseNamespaceOf(spec: YamlMap, namespace: string): string {
  return typeof spec.targetNamespace === 'string' && spec.targetNamespace !== ''
    ? spec.targetNamespace
    : namespace;
}
