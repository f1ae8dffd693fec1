import { parseFluxDuration } from './duration.js';
import { isPinnedImage } from './gate-options.js';

const SHELLS = /(^|\/)(sh|bash|ash|dash|zsh|busybox)$/;
/** The largest `backoffLimit` the checks accept: each retry re-runs every scan. */
export const MAX_BACKOFF_LIMIT = 3;

type Json = Record<string, unknown>;

/**
 * Checks that an object is a scan Job that can really close a Flux gate, and says what is wrong
 * otherwise. It must be a `batch/v1` Job (a bare Pod that exits 1 ends in phase Failed, which
 * kstatus reports as Current, so the health check passes); `restartPolicy: Never`; an explicit
 * small `backoffLimit` (the default of 6 retries with back-off outlasts the Kustomization
 * timeout); an `activeDeadlineSeconds` shorter than the Kustomization timeout (so the Job fails
 * before the health check times out); no `ttlSecondsAfterFinished` (Flux counts a Job deleted by
 * its TTL as successful); not suspended (a suspended Job counts as Current); images pinned; no
 * shell; and a scan that fails on a finding: `sluice scan --images-from …` (not `--fail-on
 * never`), or a Trivy `image` scan with a non-zero `--exit-code`.
 *
 * @example
 * ```ts
 * checkScanJob({ apiVersion: 'v1', kind: 'Pod', … }); // ['kind must be Job (batch/v1), not Pod: …']
 * ```
 */
export function checkScanJob(object: unknown, timeoutSeconds?: number): string[] {
  const problems: string[] = [];
  const job = asRecord(object);
  const kind = job['kind'];
  if (job['apiVersion'] !== 'batch/v1' || kind !== 'Job') {
    problems.push(
      `kind must be Job (batch/v1), not ${String(kind)}: a Pod that exits 1 ends in phase Failed, which Flux's health check reports as Current, so the gate opens.`,
    );
    return problems;
  }
  const spec = asRecord(job['spec']);
  if (spec['ttlSecondsAfterFinished'] !== undefined) {
    problems.push(
      'spec.ttlSecondsAfterFinished must not be set: Flux treats a Job deleted by its TTL as successful.',
    );
  }
  const backoffLimit = spec['backoffLimit'];
  if (typeof backoffLimit !== 'number' || backoffLimit < 0 || backoffLimit > MAX_BACKOFF_LIMIT) {
    problems.push(
      `spec.backoffLimit must be set between 0 and ${MAX_BACKOFF_LIMIT}: the default 6 retries with back-off outlast the Kustomization timeout.`,
    );
  }
  const deadline = spec['activeDeadlineSeconds'];
  if (typeof deadline !== 'number' || deadline <= 0) {
    problems.push('spec.activeDeadlineSeconds must be set, so that a stuck scan fails the Job.');
  } else if (timeoutSeconds !== undefined && deadline >= timeoutSeconds) {
    problems.push(
      `spec.activeDeadlineSeconds (${deadline}) must be shorter than the Kustomization timeout (${timeoutSeconds}s), so that the Job fails before the health check times out.`,
    );
  }
  if (spec['suspend'] === true)
    problems.push('spec.suspend must not be true: a suspended Job counts as healthy.');
  const podSpec = asRecord(asRecord(spec['template'])['spec']);
  if (podSpec['restartPolicy'] !== 'Never') {
    problems.push(
      `spec.template.spec.restartPolicy must be Never, not ${String(podSpec['restartPolicy'])}: a failed scan must fail the Pod, not restart.`,
    );
  }
  const containers = [...asArray(podSpec['initContainers']), ...asArray(podSpec['containers'])].map(asRecord);
  let scans = 0;
  for (const container of containers) {
    const name = String(container['name']);
    const image = String(container['image'] ?? '');
    if (!isPinnedImage(image))
      problems.push(
        `container ${name}: image "${image}" must be pinned by a tag other than latest or a digest.`,
      );
    const command = asArray(container['command']).map(String);
    if (command.some((part) => SHELLS.test(part)) || command.includes('-c')) {
      problems.push(`container ${name}: must not run a shell; Trivy is called with arguments only.`);
    }
    const args = asArray(container['args']).map(String);
    if (args[0] === 'scan') {
      // `sluice scan` exits 1 when something is blocked, unless told never to fail.
      scans += 1;
      const failOn =
        args.find((arg) => arg.startsWith('--fail-on='))?.slice('--fail-on='.length) ??
        (args.includes('--fail-on') ? args[args.indexOf('--fail-on') + 1] : undefined);
      if (failOn === 'never') {
        problems.push(
          `container ${name}: sluice scan with --fail-on never exits 0 on a blocked verdict, so the Job never fails.`,
        );
      }
      if (!args.includes('--images-from')) {
        problems.push(
          `container ${name}: sluice scan needs --images-from: the container holds no repository to read.`,
        );
      }
    } else if (args[0] === 'image' && !args.includes('--download-db-only')) {
      scans += 1;
      const exitCode = args[args.indexOf('--exit-code') + 1];
      if (!args.includes('--exit-code') || exitCode === undefined || exitCode === '0') {
        problems.push(
          `container ${name}: a scan needs --exit-code with a non-zero value, or findings never fail the Job.`,
        );
      }
    }
  }
  if (scans === 0)
    problems.push('the Job scans no image (no container runs `sluice scan --images-from` or `trivy image`).');
  return problems;
}

/**
 * Checks that a Flux Kustomization can serve as a gate: `kustomize.toolkit.fluxcd.io/v1`,
 * `wait: true` (without it the Kustomization is Ready right after apply, whatever the Job does),
 * `force: true` (a Job is immutable: a changed Job must be recreated, not fail to apply), and a
 * `timeout`. Returns the problems and the timeout in seconds.
 */
export function checkGateKustomization(object: unknown): { problems: string[]; timeoutSeconds?: number } {
  const problems: string[] = [];
  const kustomization = asRecord(object);
  if (
    kustomization['apiVersion'] !== 'kustomize.toolkit.fluxcd.io/v1' ||
    kustomization['kind'] !== 'Kustomization'
  ) {
    problems.push('the gate must be a kustomize.toolkit.fluxcd.io/v1 Kustomization.');
  }
  const spec = asRecord(kustomization['spec']);
  if (spec['wait'] !== true) {
    problems.push(
      'spec.wait must be true: otherwise the gate is Ready as soon as the Job is applied, whatever the scan finds.',
    );
  }
  if (spec['force'] !== true) {
    problems.push('spec.force must be true: Jobs are immutable, so a changed Job must be recreated.');
  }
  let timeoutSeconds: number | undefined;
  if (typeof spec['timeout'] !== 'string')
    problems.push('spec.timeout must be set to fit the DB download and every scan.');
  else {
    try {
      timeoutSeconds = parseFluxDuration(spec['timeout'], 'spec.timeout');
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return { problems, ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }) };
}

/**
 * Checks a gate Kustomization together with the Job it applies (see {@link checkScanJob} and
 * {@link checkGateKustomization}); an empty list means the gate can block.
 */
export function checkGate(kustomization: unknown, job: unknown): string[] {
  const { problems, timeoutSeconds } = checkGateKustomization(kustomization);
  return [...problems, ...checkScanJob(job, timeoutSeconds)];
}

function asRecord(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
