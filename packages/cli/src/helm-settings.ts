import { join, resolve } from 'node:path';
import { defaultCacheDirectory } from '@sluice/core/files';
import type { ChartMirror, HelmRenderOptions } from '@sluice/flux-adapter';
import type { SluiceConfig } from './config.js';
import { CliError } from './exit-codes.js';
import type { CliContext } from './io.js';
import type { OptionValues } from './options.js';
import { booleanOption, listOption, stringOption } from './options.js';

/**
 * How HelmRelease charts are rendered in this run, from the command line and the config file
 * (the command line wins): `undefined` with `--no-render` (or `render: false`), where images
 * come from values only. Charts are cached in `<cache>/charts`, beside the scan results.
 */
export async function resolveHelmOptions(
  values: OptionValues,
  config: SluiceConfig,
  context: CliContext,
  command?: string,
): Promise<HelmRenderOptions | undefined> {
  if (
    booleanOption(values, 'no-render') === true ||
    (config.render === false && !booleanOption(values, 'offline'))
  )
    return undefined;
  const chartMirrors = await parseChartMirrors([
    ...(config.chartMirrors ?? []),
    ...listOption(values, 'chart-mirror'),
  ]);
  const kubeVersion = stringOption(values, 'kube-version') ?? config.kubeVersion;
  if (kubeVersion !== undefined && !/^v?\d+\.\d+(\.\d+)?$/.test(kubeVersion)) {
    throw new CliError(`--kube-version ${kubeVersion}: expected a Kubernetes version such as 1.33.0`);
  }
  const concurrencyText = stringOption(values, 'concurrency');
  const concurrency = concurrencyText === undefined ? config.concurrency : Number(concurrencyText);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256)) {
    throw new CliError(`--concurrency ${concurrencyText}: expected a whole number from 1 to 256`);
  }
  const cacheRoot = resolveLocalCacheRoot(values, config, context, command);
  const helmPath = stringOption(values, 'helm-path') ?? config.helmPath;
  return {
    ...(helmPath !== undefined
      ? { helm: helmPath.includes('/') ? resolve(context.cwd, helmPath) : helmPath }
      : {}),
    cacheDir: join(cacheRoot, 'charts'),
    chartMirrors,
    offline: booleanOption(values, 'offline') ?? config.offline ?? false,
    ...(kubeVersion !== undefined ? { kubeVersion: kubeVersion.replace(/^v/, '') } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    env: context.env,
  };
}

/** `--chart-mirror FROM=TO` values; the Flux adapter that checks them is loaded only when given. */
async function parseChartMirrors(texts: readonly string[]): Promise<ChartMirror[]> {
  if (texts.length === 0) return [];
  const { parseChartMirror } = await import('@sluice/flux-adapter');
  return texts.map((text) => {
    const mirror = parseChartMirror(text);
    if ('error' in mirror) throw new CliError(`--chart-mirror ${mirror.error}`);
    return mirror;
  });
}

/**
 * The local folder of fetched inputs (charts in `<root>/charts`, remote bases in `<root>/git`):
 * `--cache DIR` (or the config's `cache`), else the user cache directory (also when the cache
 * is Redis, which holds scan results only).
 */
export function resolveLocalCacheRoot(
  values: OptionValues,
  config: SluiceConfig,
  context: CliContext,
  command?: string,
): string {
  // `sluice gate --cache` names the in-cluster gate's cache: not a local folder.
  const cache =
    (command === 'gate' ? undefined : stringOption(values, 'cache')) ??
    (typeof config.cache === 'string' ? config.cache : undefined);
  return cache === undefined || /^rediss?:\/\//.test(cache)
    ? defaultCacheDirectory(context.env)
    : resolve(context.cwd, cache);
}
