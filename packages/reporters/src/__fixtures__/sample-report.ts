// Builds the sample GateReport every golden test renders, from real Trivy JSON reports
// (fixtures/trivy/*.json.golden, copied from Trivy's integration tests). The mapping from Trivy's
// JSON to core's Finding is deliberately simple: the trivy-runner package owns the real one.
import { readFileSync } from 'node:fs';
import { GateReport, compareStrings } from '@sluice/core';
import type { Finding, ImageLocation, ImageResult } from '@sluice/core';
import { repoPath } from '@sluice/test-utils';

interface TrivyCvss {
  V2Score?: number;
  V3Score?: number;
}
interface TrivyVulnerability {
  VulnerabilityID: string;
  PkgName: string;
  InstalledVersion: string;
  FixedVersion?: string;
  Status?: string;
  Severity: Finding['severity'];
  Title?: string;
  Description?: string;
  PrimaryURL?: string;
  CVSS?: Record<string, TrivyCvss>;
}
interface TrivyReport {
  Results?: { Target: string; Type?: string; Vulnerabilities?: TrivyVulnerability[] }[];
}

/** Reads `fixtures/trivy/<name>.json.golden` and maps its vulnerabilities to core findings. */
export function readTrivyFindings(name: string): Finding[] {
  const report = JSON.parse(readFileSync(repoPath(`fixtures/trivy/${name}.json.golden`), 'utf8')) as TrivyReport;
  const findings: Finding[] = [];
  for (const result of report.Results ?? []) {
    for (const vulnerability of result.Vulnerabilities ?? []) {
      const scores = Object.values(vulnerability.CVSS ?? {});
      const v3 = scores.map((score) => score.V3Score).filter((score) => score !== undefined);
      const v2 = scores.map((score) => score.V2Score).filter((score) => score !== undefined);
      const cvss = v3.length > 0 ? Math.max(...v3) : v2.length > 0 ? Math.max(...v2) : undefined;
      findings.push({
        id: vulnerability.VulnerabilityID,
        severity: vulnerability.Severity,
        package: vulnerability.PkgName,
        installedVersion: vulnerability.InstalledVersion,
        ...(vulnerability.FixedVersion ? { fixedVersion: vulnerability.FixedVersion } : {}),
        ...(vulnerability.Status ? { status: vulnerability.Status } : {}),
        ...(vulnerability.Title ? { title: vulnerability.Title } : {}),
        ...(vulnerability.Description ? { description: vulnerability.Description } : {}),
        ...(vulnerability.PrimaryURL ? { primaryUrl: vulnerability.PrimaryURL } : {}),
        ...(cvss !== undefined ? { cvssScore: cvss } : {}),
        target: result.Target,
        ...(result.Type ? { packageType: result.Type } : {}),
      });
    }
  }
  return findings;
}

function location(
  file: string,
  line: number,
  column: number,
  raw: string,
  object: { kind: string; namespace?: string; name: string; container?: string; fieldPath?: string },
  fluxObjects?: string[],
): ImageLocation {
  return { file, line, column, raw, ...object, ...(fluxObjects ? { fluxObjects } : {}) };
}

const APPS = 'Kustomization/flux-system/apps';
const APPS_EXTRA = 'Kustomization/flux-system/apps-extra';
const INFRA = 'Kustomization/flux-system/infra-controllers';
const MONITORING = 'Kustomization/flux-system/monitoring';
const PODINFO = 'HelmRelease/podinfo/podinfo';
const REDIS = 'HelmRelease/redis/redis';

/**
 * A gate report with every feature reporters render: failing, passing, clean and unscannable
 * images; a suppressed finding; images inside and outside Flux; objects of every status; a
 * dependency graph; diagnostics with and without a file.
 */
export function buildSampleReport(): GateReport {
  const alpine39 = readTrivyFindings('alpine-39').map((finding) =>
    finding.id === 'CVE-2019-14697' && finding.package === 'musl-utils'
      ? { ...finding, suppressed: 'accepted until 2027-01-01 (ticket SEC-12)' }
      : finding,
  );
  const images: ImageResult[] = [
    {
      ref: 'docker.io/library/alpine:3.10',
      locations: [
        location(
          'infrastructure/controllers/cert-manager.yaml',
          31,
          18,
          'alpine:3.10',
          { kind: 'Deployment', namespace: 'cert-manager', name: 'cert-manager', container: 'init' },
          [INFRA],
        ),
      ],
      outcome: 'ok',
      source: 'scan',
      findings: readTrivyFindings('alpine-310'),
      verdict: 'pass',
      reasons: ['No finding of a failing severity (CRITICAL, HIGH).'],
    },
    {
      ref: 'docker.io/library/debian:buster',
      locations: [
        location(
          'clusters/production/debug-pod.yaml',
          9,
          14,
          'debian:buster',
          { kind: 'Pod', namespace: 'default', name: 'debug', container: 'shell' },
          [],
        ),
      ],
      outcome: 'ok',
      source: 'cache',
      findings: readTrivyFindings('debian-buster'),
      verdict: 'fail',
      reasons: ['1 CRITICAL finding fails the policy.'],
    },
    {
      ref: 'docker.io/library/nginx:1.27.0',
      locations: [
        location(
          'apps/extra/nginx.yaml',
          22,
          20,
          'nginx:1.27.0',
          { kind: 'Deployment', namespace: 'web', name: 'nginx', container: 'nginx' },
          [APPS_EXTRA],
        ),
        location(
          'infrastructure/controllers/ingress-nginx.yaml',
          40,
          18,
          'nginx:1.27.0',
          { kind: 'Deployment', namespace: 'ingress-nginx', name: 'controller', container: 'controller' },
          [INFRA],
        ),
      ],
      outcome: 'ok',
      source: 'scan',
      digest: 'sha256:0c86dddac19f2ce4fd716ac58c0fd87bf69bfd4edabfd6971fb885bafd12a00b',
      findings: [],
      verdict: 'pass',
    },
    {
      ref: 'ghcr.io/aquasecurity/trivy-test-images:alpine-39',
      locations: [
        location(
          'apps/base/podinfo/deployment.yaml',
          24,
          18,
          'ghcr.io/aquasecurity/trivy-test-images:alpine-39',
          {
            kind: 'Deployment',
            namespace: 'podinfo',
            name: 'frontend',
            container: 'app',
            fieldPath: 'spec.template.spec.containers[0].image',
          },
          [APPS],
        ),
        location(
          'apps/base/podinfo/deployment.yaml',
          31,
          18,
          'ghcr.io/aquasecurity/trivy-test-images:alpine-39',
          {
            kind: 'Deployment',
            namespace: 'podinfo',
            name: 'frontend',
            container: 'sidecar',
            fieldPath: 'spec.template.spec.containers[1].image',
          },
          [APPS],
        ),
      ],
      outcome: 'ok',
      source: 'scan',
      findings: alpine39,
      verdict: 'fail',
      reasons: ['1 CRITICAL finding fails the policy.'],
    },
    {
      ref: 'ghcr.io/example/busybox:1.31',
      locations: [
        location(
          'apps/base/podinfo/release.yaml',
          18,
          21,
          'ghcr.io/example/busybox',
          {
            kind: 'HelmRelease',
            namespace: 'podinfo',
            name: 'podinfo',
            container: 'main',
            fieldPath: 'spec.values.controllers.main.containers.main.image.repository',
          },
          [PODINFO, APPS],
        ),
      ],
      outcome: 'ok',
      source: 'report',
      findings: readTrivyFindings('busybox-with-lockfile'),
      verdict: 'fail',
      reasons: ['1 HIGH finding fails the policy.'],
    },
    {
      ref: 'registry.example.com/private/redis:7.2',
      locations: [
        location(
          'infrastructure/controllers/redis.yaml',
          27,
          19,
          'registry.example.com/private/redis',
          { kind: 'HelmRelease', namespace: 'redis', name: 'redis', fieldPath: 'spec.values.image.repository' },
          [REDIS, INFRA],
        ),
      ],
      outcome: 'error',
      error: {
        code: 'unauthorized',
        message: 'UNAUTHORIZED: authentication required to pull registry.example.com/private/redis:7.2',
      },
      findings: [],
      verdict: 'unknown',
      reasons: ['The image could not be scanned (unauthorized); scan errors block.'],
    },
  ];
  const report: GateReport = {
    schemaVersion: 1,
    tool: { name: 'sluice', version: '0.1.0' },
    scanner: { name: 'Trivy', version: '0.58.1', dbVersion: '2 (updated 2024-12-01T00:00:00Z)' },
    policy: { severities: ['CRITICAL', 'HIGH'], ignoreUnfixed: false, onScanError: 'block' },
    verdict: 'blocked',
    images,
    objects: [
      {
        id: REDIS,
        status: 'unknown',
        reasons: ['registry.example.com/private/redis:7.2 could not be scanned: unauthorized.'],
        images: ['registry.example.com/private/redis:7.2'],
        file: 'infrastructure/controllers/redis.yaml',
        line: 1,
      },
      {
        id: PODINFO,
        status: 'blocked',
        reasons: ['ghcr.io/example/busybox:1.31 fails the policy: 1 HIGH.'],
        images: ['ghcr.io/example/busybox:1.31'],
        file: 'apps/base/podinfo/release.yaml',
        line: 1,
      },
      {
        id: APPS,
        status: 'blocked',
        reasons: [
          'ghcr.io/aquasecurity/trivy-test-images:alpine-39 fails the policy: 1 CRITICAL.',
          'HelmRelease/podinfo/podinfo is blocked.',
        ],
        images: ['ghcr.io/aquasecurity/trivy-test-images:alpine-39', 'ghcr.io/example/busybox:1.31'],
        file: 'clusters/production/apps.yaml',
        line: 1,
      },
      {
        id: APPS_EXTRA,
        status: 'blocked-upstream',
        reasons: ['Depends on Kustomization/flux-system/apps, which is blocked.'],
        images: ['docker.io/library/nginx:1.27.0'],
        chain: [APPS_EXTRA, APPS],
        file: 'clusters/production/apps.yaml',
        line: 20,
      },
      {
        id: INFRA,
        status: 'unknown',
        reasons: ['HelmRelease/redis/redis could not be decided.'],
        images: [
          'docker.io/library/alpine:3.10',
          'docker.io/library/nginx:1.27.0',
          'registry.example.com/private/redis:7.2',
        ],
        file: 'clusters/production/infrastructure.yaml',
        line: 1,
      },
      {
        id: MONITORING,
        status: 'suspended',
        reasons: ['The Kustomization is suspended.'],
        images: [],
        file: 'clusters/production/monitoring.yaml',
        line: 1,
      },
      {
        id: 'Kustomization/flux-system/sources',
        status: 'pass',
        reasons: [],
        images: [],
        file: 'clusters/production/sources.yaml',
        line: 1,
      },
    ].sort((a, b) => compareStrings(a.id, b.id)) as GateReport['objects'],
    graph: {
      nodes: [
        { id: APPS, dependsOn: [INFRA], manages: [PODINFO], images: [] },
        { id: APPS_EXTRA, dependsOn: [APPS], manages: [], images: ['docker.io/library/nginx:1.27.0'] },
        {
          id: INFRA,
          dependsOn: ['Kustomization/flux-system/sources'],
          manages: [REDIS],
          images: ['docker.io/library/alpine:3.10', 'docker.io/library/nginx:1.27.0'],
        },
        { id: MONITORING, dependsOn: [INFRA], manages: [], images: [], suspended: true },
        { id: 'Kustomization/flux-system/sources', dependsOn: [], manages: [], images: [] },
        {
          id: PODINFO,
          dependsOn: [],
          manages: [],
          images: ['ghcr.io/aquasecurity/trivy-test-images:alpine-39', 'ghcr.io/example/busybox:1.31'],
        },
        { id: REDIS, dependsOn: [], manages: [], images: ['registry.example.com/private/redis:7.2'] },
      ],
      waves: [
        ['Kustomization/flux-system/sources'],
        [INFRA, PODINFO, REDIS],
        [APPS, MONITORING],
        [APPS_EXTRA],
      ],
    },
    diagnostics: [
      {
        file: '',
        severity: 'warning',
        code: 'scanner-version',
        message: 'Trivy 0.58.1 is older than the tested minimum 0.60.0.',
      },
      {
        file: 'clusters/production/apps.yaml',
        line: 27,
        column: 5,
        severity: 'warning',
        code: 'missing-dependency',
        message: 'dependsOn names Kustomization/flux-system/databases, which does not exist.',
        object: APPS_EXTRA,
      },
      {
        file: 'infrastructure/controllers/redis.yaml',
        line: 12,
        severity: 'info',
        code: 'helm-values-from',
        message: 'valuesFrom ConfigMap redis-values is not in the repository; its images are not known.',
        object: REDIS,
      },
    ],
  };
  return GateReport.parse(report);
}

/** A report whose images, objects and findings are all clean. */
export function buildPassingReport(): GateReport {
  const sample = buildSampleReport();
  const images = sample.images
    .filter((image) => image.ref === 'docker.io/library/nginx:1.27.0')
    .map((image) => ({ ...image }));
  return GateReport.parse({
    ...sample,
    verdict: 'pass',
    images,
    objects: [{ id: INFRA, status: 'pass', reasons: [], images: images.map((image) => image.ref) }],
    graph: { nodes: [{ id: INFRA, dependsOn: [], manages: [], images: [] }], waves: [[INFRA]] },
    diagnostics: [],
  });
}

/** Text an attacker could put in a manifest: markup, quotes, newlines, escape sequences, mentions. */
export const HOSTILE =
  'evil"]; click A "javascript:alert(1)"\n</details><script>x</script> | `code` @octocat \u001b[31mred\u001b[0m\u0007 ]]> -->';

/** The sample report with hostile text in every string that comes from a manifest. */
export function buildHostileReport(): GateReport {
  const sample = buildSampleReport();
  const hostileId = `Kustomization/flux-system/${HOSTILE}`;
  return GateReport.parse({
    ...sample,
    images: sample.images.map((image, index) => ({
      ...image,
      ref: index === 0 ? `docker.io/library/${HOSTILE}:1` : image.ref,
      locations: image.locations.map((entry) => ({
        ...entry,
        file: index === 0 ? `apps/${HOSTILE}.yaml` : entry.file,
        name: HOSTILE,
        container: HOSTILE,
        raw: HOSTILE,
        fluxObjects: index === 0 ? [hostileId] : entry.fluxObjects,
      })),
      findings: image.findings.map((finding) => ({ ...finding, title: HOSTILE, package: `${finding.package}${HOSTILE}` })),
      error: image.error ? { ...image.error, message: HOSTILE } : undefined,
    })),
    objects: [
      ...sample.objects.map((object) => ({ ...object, reasons: [...object.reasons, HOSTILE] })),
      { id: hostileId, status: 'blocked', reasons: [HOSTILE], file: `apps/${HOSTILE}.yaml`, line: 1 },
    ],
    graph: {
      nodes: [
        ...(sample.graph?.nodes ?? []),
        { id: hostileId, dependsOn: ['Kustomization/flux-system/apps', `${HOSTILE}-missing`], manages: [], images: [] },
      ],
      waves: sample.graph?.waves ?? [],
    },
    diagnostics: [...sample.diagnostics, { file: 'x.yaml', line: 1, severity: 'error', code: 'bad', message: HOSTILE }],
  });
}
