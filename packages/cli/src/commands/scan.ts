import { stat, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { GateReport, ScannerInfo } from '@sluice/core';
import { endSentence, summarizeGateReport } from '@sluice/core';
import { buildDependencyGraph, buildGateReport } from '@sluice/flux-adapter';
import { formatSummary, truncateText } from '@sluice/reporters';
import type { ImageScanOutcome, ScanEventHandler, TrivyRunnerOptions } from '@sluice/trivy-runner';
import { createTrivyRunner } from '@sluice/trivy-runner';
import { loadConfig } from '../config.js';
import { CliError, EXIT_CODES } from '../exit-codes.js';
import { readImagesFrom } from '../images-from.js';
import { inspectRepository } from '../inspect-repository.js';
import type { ChartCounts } from '../inspect-repository.js';
import type { CliContext } from '../io.js';
import type { CommandLine } from '../options.js';
import { booleanOption, listOption, stringOption } from '../options.js';
import { createProgress } from '../progress.js';
import type { Progress } from '../progress.js';
import { resolveReportTargets, writeReports } from '../reporting.js';
import { resolvePolicy, resolveRunnerOptions } from '../scan-settings.js';
import { SLUICE_VERSION } from '../version.js';

/** The kubelet keeps at most this many bytes of a termination message. */
const TERMINATION_MESSAGE_LIMIT = 4096;

/** Scan error codes that mean the scanner itself could not run, not that one image failed. */
const SCANNER_LEVEL_ERRORS = new Set(['scanner-missing', 'db-unavailable']);

const INSTALL_HELP = [
  'Install Trivy (https://trivy.dev/latest/getting-started/installation/) or name it with --trivy-path,',
  'or scan through a Trivy server with --server URL, or use existing `trivy image --format json` reports with --trivy-reports DIR.',
].join('\n');

/**
 * `sluice scan`: find, scan, decide and report. The images come from DIR, or with `--images-from
 * FILE` from an images file (the same model, so the same decision). With `--termination-log
 * FILE` the last line (the verdict, or why there is none) is also written to FILE, where
 * Kubernetes shows it as the container's termination message.
 */
export async function runScan(commandLine: CommandLine, context: CliContext): Promise<number> {
  const terminationLog = stringOption(commandLine.values, 'termination-log');
  try {
    const { code, summary } = await scanAndReport(commandLine, context);
    if (terminationLog !== undefined) await writeTerminationMessage(terminationLog, summary, context);
    return code;
  } catch (error) {
    if (terminationLog !== undefined) {
      const message = error instanceof Error ? error.message : String(error);
      await writeTerminationMessage(terminationLog, `sluice: error: ${message}`, context);
    }
    throw error;
  }
}

async function scanAndReport(
  commandLine: CommandLine,
  context: CliContext,
): Promise<{ code: number; summary: string }> {
  const { values, dir } = commandLine;
  const imagesFrom = stringOption(values, 'images-from');
  if (imagesFrom !== undefined && dir !== '.') {
    throw new CliError(
      `--images-from ${imagesFrom}: give either a folder (${dir}) or --images-from, not both`,
    );
  }
  // An images file stands for a repository read elsewhere: nothing is looked for around it.
  const repositoryDir = imagesFrom === undefined ? dir : undefined;
  const config = await loadConfig(stringOption(values, 'config'), repositoryDir, context.cwd);
  const targets = await resolveReportTargets(
    [...(listOption(values, 'format').length > 0 ? listOption(values, 'format') : (config.formats ?? []))],
    [...(config.reporters ?? []), ...listOption(values, 'reporter')],
    context,
  );
  const { policy, diagnostics: policyDiagnostics } = await resolvePolicy(
    values,
    config,
    repositoryDir,
    context,
  );
  const failOn = stringOption(values, 'fail-on') ?? config.failOn ?? 'blocked';
  if (failOn !== 'blocked' && failOn !== 'never')
    throw new CliError(`--fail-on ${failOn}: expected blocked or never`);
  const reportsOption = stringOption(values, 'trivy-reports') ?? config.trivyReports;
  const reports = reportsOption === undefined ? undefined : resolve(context.cwd, reportsOption);
  if (reports !== undefined && !(await stat(reports).catch(() => undefined))?.isDirectory()) {
    throw new CliError(
      `--trivy-reports ${reportsOption}: not a folder (expected trivy image --format json reports)`,
    );
  }
  const progress = createProgress(context.stderr, { quiet: booleanOption(values, 'quiet') === true });

  const inventory =
    imagesFrom === undefined
      ? await inspectRepository(commandLine, config, context)
      : await readImagesFrom(imagesFrom, context);
  // One graph for the note and the report, so that both count the same objects.
  const graph = inventory.mode === 'flux' ? buildDependencyGraph(inventory.workloads) : undefined;
  progress.note(
    `sluice: ${inventory.images.length} unique images in ${graph ? `${graph.nodes.length} Flux objects` : 'plain manifests'}` +
      describeCharts(inventory.charts),
  );

  const { outcomes, scanner } = await scanImages(
    inventory.images.map((image) => image.ref),
    {
      runnerOptions: resolveRunnerOptions(values, config, context),
      progress,
      ...(reports !== undefined && reportsOption !== undefined ? { reports, reportsOption } : {}),
    },
  );

  const report: GateReport = buildGateReport({
    images: inventory.images,
    outcomes: outcomes.map((outcome) =>
      outcome.status === 'ok'
        ? {
            ref: outcome.ref,
            outcome: 'ok',
            findings: outcome.findings,
            source: outcome.source,
            ...(outcome.digest ? { digest: outcome.digest } : {}),
          }
        : { ref: outcome.ref, outcome: 'error', error: outcome.error },
    ),
    workloads: inventory.workloads,
    ...(graph ? { graph } : {}),
    policy,
    diagnostics: [...inventory.diagnostics, ...policyDiagnostics],
    tool: { version: SLUICE_VERSION },
    ...(scanner ? { scanner } : {}),
  });
  await writeReports(report, targets, inventory.root, context);
  const summary = summaryLine(report);
  progress.note(summary);
  const code = report.verdict === 'blocked' && failOn === 'blocked' ? EXIT_CODES.BLOCKED : EXIT_CODES.PASS;
  return { code, summary };
}

/**
 * Writes the one-line outcome for Kubernetes (`terminationMessagePath`): at most 4096 bytes, as
 * the kubelet keeps no more. A file that cannot be written only costs a warning.
 */
async function writeTerminationMessage(file: string, line: string, context: CliContext): Promise<void> {
  const bytes = Buffer.from(`${line.split('\n')[0] ?? ''}\n`, 'utf8').subarray(0, TERMINATION_MESSAGE_LIMIT);
  try {
    await writeFile(resolve(context.cwd, file), bytes);
  } catch (error) {
    context.stderr.write(`sluice: warning: --termination-log ${file}: ${(error as Error).message}\n`);
  }
}

/**
 * Scans the images (or answers them from existing reports) with progress on stderr. Exit 3 when
 * the scanner could not run at all (every image failed because trivy is missing or has no DB).
 */
async function scanImages(
  refs: readonly string[],
  options: {
    runnerOptions: TrivyRunnerOptions;
    progress: Progress;
    reports?: string;
    reportsOption?: string;
  },
): Promise<{ outcomes: ImageScanOutcome[]; scanner: ScannerInfo | undefined }> {
  const { progress, reports } = options;
  const runner = createTrivyRunner({
    ...options.runnerOptions,
    onEvent: progressHandler(progress, refs.length),
  });
  let outcomes: ImageScanOutcome[];
  try {
    if (reports !== undefined) {
      progress.note(
        `sluice: using the Trivy reports in ${options.reportsOption}; images without a report count as not scanned`,
      );
    }
    outcomes = await runner.scan(refs, reports === undefined ? {} : { reports, scanUnmatched: false });
  } finally {
    progress.done();
    await runner.close();
  }
  // The scanner itself could not run: said once, with the install hint, not once per image.
  const scannerFailures = outcomes.filter(
    (outcome) => outcome.status === 'error' && SCANNER_LEVEL_ERRORS.has(outcome.error.code),
  );
  const first = scannerFailures[0];
  if (first?.status === 'error') {
    const what =
      first.error.code === 'scanner-missing'
        ? 'trivy was not found.'
        : `the scanner could not run: ${endSentence(first.error.message)}`;
    if (scannerFailures.length === outcomes.length) {
      throw new CliError(`${what}\n${INSTALL_HELP}`, EXIT_CODES.SCANNER);
    }
    progress.note(
      `sluice: ${scannerFailures.length} of ${outcomes.length} images not scanned: ${what}\n${INSTALL_HELP}`,
    );
  }
  // The scanner and DB that produced the findings, as the batch saw them (after its DB update).
  const scanned = outcomes.find((outcome) => outcome.status === 'ok' && outcome.scanner !== undefined);
  const scanner =
    reports !== undefined
      ? { name: 'trivy (existing reports)' }
      : scanned?.status === 'ok'
        ? scanned.scanner
        : undefined;
  return { outcomes, scanner };
}

/**
 * `; charts: 1 downloaded, 2 from the chart cache` (charts of chart repositories and registries;
 * charts committed in the repository are read where they are), or '' when none was needed.
 */
function describeCharts(charts: ChartCounts | undefined): string {
  if (charts === undefined || charts.downloaded + charts.cached === 0) return '';
  return `; charts: ${charts.downloaded} downloaded, ${charts.cached} from the chart cache`;
}

/** How much of a failed scan's message the progress line shows (the report has all of it). */
const PROGRESS_MESSAGE_CHARS = 100;

function progressHandler(progress: Progress, total: number): ScanEventHandler {
  const counts = { total, scanned: 0, cached: 0, failed: 0 };
  return (event) => {
    switch (event.type) {
      case 'done':
        if (event.source === 'cache') counts.cached += 1;
        else counts.scanned += 1;
        progress.update({ ...counts });
        break;
      case 'failed':
        counts.failed += 1;
        // A scanner that cannot run fails every image the same way: said once after the scan.
        // The report repeats the whole message; here its start says which failure it is.
        if (!SCANNER_LEVEL_ERRORS.has(event.error.code)) {
          progress.note(
            `sluice: ${event.ref}: ${event.error.code}: ${truncateText(event.error.message, PROGRESS_MESSAGE_CHARS)}`,
          );
        }
        progress.update({ ...counts });
        break;
      case 'retrying':
        progress.note(
          `sluice: ${event.ref}: ${event.error.code}, retrying in ${Math.round(event.delayMs)} ms (attempt ${event.attempt + 1})`,
        );
        break;
      case 'db-update':
        if (event.phase !== 'done')
          progress.note(
            `sluice: vulnerability DB update ${event.phase}${event.message ? `: ${event.message}` : ''}`,
          );
        break;
      case 'warning':
        progress.note(`sluice: warning: ${event.message}`);
        break;
      default:
        break;
    }
  };
}

/** The closing line on stderr: the same counts, in the same words, as the report's headline. */
function summaryLine(report: GateReport): string {
  const summary = formatSummary(summarizeGateReport(report));
  return `sluice: ${report.verdict}: ${summary.objects ? `${summary.objects}; ` : ''}${summary.images}`;
}
