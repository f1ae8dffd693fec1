import { SluiceError } from '@sluice/core';
import { parseFluxDuration } from './duration.js';
import type { GenerateGateOptions } from './types.js';

/** The Trivy image the gate runs by default, pinned by version. Pin a digest for stronger guarantees. */
export const DEFAULT_TRIVY_IMAGE = 'ghcr.io/aquasecurity/trivy:0.74.0';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The options of {@link generateGate} with every default filled in and checked. */
export interface ResolvedGateOptions {
  readonly name: string;
  readonly namespace: string;
  readonly path: string;
  readonly trivyImage: string;
  readonly interval: string;
  readonly timeout: string;
  readonly activeDeadlineSeconds: number;
  readonly backoffLimit: number;
  readonly policy: NonNullable<GenerateGateOptions['policy']>;
  readonly now: Date;
}

/**
 * Fills in the defaults of {@link GenerateGateOptions} and checks them.
 *
 * @throws {SluiceError} `SLUICE_INVALID_GATE_OPTIONS` for a bad name, namespace, path, duration,
 * deadline margin or backoffLimit.
 */
export function resolveGateOptions(options: GenerateGateOptions): ResolvedGateOptions {
  const invalid = (message: string): never => {
    throw new SluiceError('SLUICE_INVALID_GATE_OPTIONS', message);
  };
  const name = options.name ?? 'sluice-gate';
  if (!DNS_LABEL.test(name) || name.length > 40)
    invalid(`name "${name}" must be a DNS label of at most 40 characters.`);
  const namespace = options.namespace ?? 'flux-system';
  if (!DNS_LABEL.test(namespace) || namespace.length > 63)
    invalid(`namespace "${namespace}" is not a DNS label.`);
  const path = (options.path ?? 'sluice-gate').replace(/^\.\//, '').replace(/\/+$/, '');
  if (path === '' || path.startsWith('/') || path.split('/').includes('..')) {
    invalid(`path "${options.path}" must be a folder inside the source, such as sluice-gate.`);
  }
  const interval = options.interval ?? '10m';
  parseFluxDuration(interval, 'interval');
  const timeout = options.timeout ?? '15m';
  const timeoutSeconds = parseFluxDuration(timeout, 'timeout');
  const margin = options.deadlineMarginSeconds ?? 60;
  const activeDeadlineSeconds = Math.floor(timeoutSeconds - margin);
  if (!(margin > 0) || activeDeadlineSeconds < 60) {
    invalid(`timeout ${timeout} leaves less than a minute for the scans after a ${margin}s margin.`);
  }
  const backoffLimit = options.backoffLimit ?? 0;
  if (!Number.isInteger(backoffLimit) || backoffLimit < 0 || backoffLimit > 3)
    invalid('backoffLimit must be 0, 1, 2 or 3.');
  const trivyImage = options.trivyImage ?? DEFAULT_TRIVY_IMAGE;
  return {
    name,
    namespace,
    path,
    trivyImage,
    interval,
    timeout,
    activeDeadlineSeconds,
    backoffLimit,
    policy: options.policy ?? {},
    now: options.now ?? new Date(),
  };
}
