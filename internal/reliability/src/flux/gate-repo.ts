import type { Finding, GateReport } from '@sluice/core';
import { buildGateReport, loadFluxRepository } from '@sluice/flux-adapter';
import type { FluxRepository, ImageOutcome, LoadFluxRepositoryOptions } from '@sluice/flux-adapter';
import { deployment, fluxKustomization } from '@sluice/test-utils';
import { createTempRepo } from '../support/temp-repo.js';
import type { TreeEntry } from '../support/temp-repo.js';

/** The image every red-team case tries to deploy unseen: its scan has a CRITICAL finding. */
export const VULNERABLE_IMAGE = 'ghcr.io/evil/vulnerable:1.0';
/** {@link VULNERABLE_IMAGE} normalized, as outcomes are keyed. */
export const VULNERABLE_REF = 'ghcr.io/evil/vulnerable:1.0';

/** The finding the stand-in scan gives {@link VULNERABLE_IMAGE}. */
export const CRITICAL_FINDING: Finding = {
  id: 'CVE-2026-0001',
  severity: 'CRITICAL',
  package: 'openssl',
  installedVersion: '1.0',
  fixedVersion: '1.1',
};

export { deployment, fluxKustomization };

/** The repository every case starts from: `clusters/dev` syncing Kustomization `apps` (`./apps`). */
export function baseTree(...appsSpec: string[]): Record<string, string> {
  return {
    'clusters/dev/sync.yaml': `${fluxKustomization('flux-system', './clusters/dev')}---\n${fluxKustomization('apps', './apps', ...appsSpec)}`,
    'apps/good.yaml': deployment(),
  };
}

/** What a red-team case ends with: the gate report as `sluice scan` builds it, and the load. */
/**
 * Decides the gate of a loaded repository as `sluice scan` does, with every image scanned clean
 * except {@link VULNERABLE_IMAGE}, which has {@link CRITICAL_FINDING}.
 */
export function decideWithVulnerableImage(repo: FluxRepository): GateReport {
  const outcomes: ImageOutcome[] = repo.images.map((image) => ({
    ref: image.ref,
    outcome: 'ok',
    findings: image.ref === VULNERABLE_REF ? [CRITICAL_FINDING] : [],
  }));
  return buildGateReport({
    images: repo.images,
    outcomes,
    workloads: repo.workloads,
    diagnostics: repo.diagnostics,
    tool: { version: '0.0.0' },
  });
}

export interface GateRun {
  readonly report: GateReport;
  readonly repo: FluxRepository;
  /** The gate object of Kustomization `apps`. */
  readonly apps: GateReport['objects'][number] | undefined;
}

/**
 * Loads `tree` as a Flux repository and decides the gate as `sluice scan` does, with every
 * image found scanned clean except {@link VULNERABLE_IMAGE}, which has a CRITICAL finding.
 * `prepare` runs on the written repository before it is loaded (to copy a chart into it).
 */
export async function gateRepository(
  tree: Readonly<Record<string, TreeEntry>>,
  options: LoadFluxRepositoryOptions = {},
  prepare?: (root: string) => Promise<void>,
): Promise<GateRun> {
  const temp = await createTempRepo(tree);
  try {
    await prepare?.(temp.root);
    const repo = await loadFluxRepository(temp.root, options);
    const report = decideWithVulnerableImage(repo);
    const apps = report.objects.find((object) => object.id === 'Kustomization/flux-system/apps');
    return { report, repo, apps };
  } finally {
    await temp.cleanup();
  }
}
