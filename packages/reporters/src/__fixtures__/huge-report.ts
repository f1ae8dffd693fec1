import type { Finding, GateReport } from '@sluice/core';
import { buildSampleReport } from './sample-report.js';

/**
 * A large report: `images` failing images with `findingsPerImage` findings each, each image in
 * its own Kustomization, chained by dependsOn (so the graph has `images` nodes).
 */
export function buildHugeReport(images: number, findingsPerImage: number): GateReport {
  const sample = buildSampleReport();
  const severities = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'] as const;
  const pad = (n: number): string => String(n).padStart(4, '0');
  const id = (index: number): string => `Kustomization/flux-system/app-${pad(index)}`;
  return {
    ...sample,
    images: Array.from({ length: images }, (_, image) => ({
      ref: `registry.example.com/team/app-${pad(image)}:1.0.${image}`,
      locations: [
        {
          file: `apps/app-${pad(image)}/deployment.yaml`,
          line: 20,
          column: 18,
          raw: `registry.example.com/team/app-${pad(image)}:1.0.${image}`,
          kind: 'Deployment',
          namespace: 'apps',
          name: `app-${pad(image)}`,
          container: 'app',
          fluxObjects: [id(image)],
        },
      ],
      outcome: 'ok' as const,
      findings: Array.from(
        { length: findingsPerImage },
        (_, index): Finding => ({
          id: `CVE-2024-${String(index).padStart(5, '0')}`,
          severity: severities[index % 5]!,
          package: `library-${index}`,
          installedVersion: '1.0.0',
          fixedVersion: '1.0.1',
          title: `Vulnerability number ${index} in library ${index}`,
        }),
      ),
      verdict: 'fail' as const,
    })),
    objects: Array.from({ length: images }, (_, index) => ({
      id: id(index),
      status: index === 0 ? ('blocked' as const) : ('blocked-upstream' as const),
      reasons: [index === 0 ? 'An image fails the policy.' : `Depends on ${id(index - 1)}, which is blocked.`],
      images: [`registry.example.com/team/app-${pad(index)}:1.0.${index}`],
    })),
    graph: {
      nodes: Array.from({ length: images }, (_, index) => ({
        id: id(index),
        dependsOn: index === 0 ? [] : [id(index - 1)],
        manages: [],
        images: [],
      })),
      waves: Array.from({ length: images }, (_, index) => [id(index)]),
    },
  };
}
