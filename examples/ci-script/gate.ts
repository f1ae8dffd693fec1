// A CI step written against the Sluice SDK instead of the CLI: read the Flux repository, scan
// its images, decide the gate, write SARIF and a Markdown summary, fail when something is
// blocked. Run: pnpm --filter @sluice/example-ci-script start [repo-dir]
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { GateReport, Policy } from '@sluice/core';
import { buildGateReport, loadFluxRepository, type HelmRenderOptions } from '@sluice/flux-adapter';
import { markdownReporter, sarifReporter } from '@sluice/reporters';
import { createTrivyRunner } from '@sluice/trivy-runner';

/** What the CI step needs to know. */
export interface GateOptions {
  /** The trivy executable. @default 'trivy' on PATH */
  readonly trivyPath?: string;
  /** Environment for trivy (registry credentials, TRIVY_* settings). @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where scan results are cached, or false for none. @default the user cache directory */
  readonly cache?: string | false;
  /** @default CRITICAL and HIGH fail, unfixed vulnerabilities count, scan errors block */
  readonly policy?: Policy;
  /**
   * How HelmRelease charts are fetched and rendered (helm executable, chart cache, mirrors,
   * offline). @default helm on PATH, the user cache directory
   */
  readonly helm?: HelmRenderOptions;
}

/** Scans a Flux repository and returns the gate report. */
export async function gateRepository(root: string, options: GateOptions = {}): Promise<GateReport> {
  // Charts are rendered as helm-controller would, so that chart-default images are scanned too.
  const repository = await loadFluxRepository(root, { helm: options.helm ?? {} });
  const runner = createTrivyRunner({
    ...(options.trivyPath ? { trivyPath: options.trivyPath } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.cache !== undefined ? { cache: options.cache } : {}),
  });
  try {
    const outcomes = await runner.scan(repository.images.map((image) => image.ref));
    return buildGateReport({
      images: repository.images,
      outcomes: outcomes.map((outcome) =>
        outcome.status === 'ok'
          ? { ref: outcome.ref, outcome: 'ok', findings: outcome.findings, source: outcome.source }
          : { ref: outcome.ref, outcome: 'error', error: outcome.error },
      ),
      workloads: repository.workloads,
      diagnostics: repository.diagnostics,
      policy: options.policy ?? {},
      tool: { version: '0.1.0' },
      scanner: await runner.getScannerInfo(),
    });
  } finally {
    await runner.close();
  }
}

/** Writes `sluice.sarif` and `sluice.md`, and returns the exit code for CI. */
export async function writeCiOutputs(report: GateReport, folder: string): Promise<number> {
  await writeFile(`${folder}/sluice.sarif`, await sarifReporter().render(report));
  await writeFile(`${folder}/sluice.md`, await markdownReporter().render(report));
  return report.verdict === 'blocked' ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const report = await gateRepository(process.argv[2] ?? '.');
  for (const object of report.objects.filter((entry) => entry.status !== 'pass')) {
    console.log(`${object.status.padEnd(16)} ${object.id}: ${object.reasons.join(' ')}`);
  }
  process.exitCode = await writeCiOutputs(report, process.cwd());
}
