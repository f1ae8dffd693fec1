import { join } from 'node:path';
import type { GitMirror, RemoteBaseOptions, RemoteBasesMode } from '@sluice/flux-adapter';
import type { SluiceConfig } from './config.js';
import { CliError } from './exit-codes.js';
import { resolveLocalCacheRoot } from './helm-settings.js';
import type { CliContext } from './io.js';
import type { OptionValues } from './options.js';
import { listOption, stringOption } from './options.js';

const MODES: readonly RemoteBasesMode[] = ['unknown', 'fetch', 'fetch-unpinned'];

/**
 * How remote kustomize bases are treated in this run, from `--remote-bases` and `--git-mirror`
 * (or the trusted config file's `remoteBases` and `gitMirrors`; the command line wins):
 * undefined when they are not fetched (the default). Fetched bases are cached in `<cache>/git`,
 * beside the charts. A config file found in the repository cannot set these: fetching is the
 * network access of the person running Sluice, not the repository's choice.
 */
export async function resolveRemoteBaseOptions(
  values: OptionValues,
  config: SluiceConfig,
  context: CliContext,
  command?: string,
): Promise<RemoteBaseOptions | undefined> {
  const text = stringOption(values, 'remote-bases') ?? config.remoteBases;
  const mode = MODES.find((candidate) => candidate === text);
  if (text !== undefined && mode === undefined)
    throw new CliError(`--remote-bases ${text}: expected one of ${MODES.join(', ')}`);
  const mirrors = await parseGitMirrors([...(config.gitMirrors ?? []), ...listOption(values, 'git-mirror')]);
  if (mode === undefined || mode === 'unknown') return undefined;
  return {
    mode,
    cacheDir: join(resolveLocalCacheRoot(values, config, context, command), 'git'),
    mirrors,
    env: context.env,
  };
}

/** `--git-mirror FROM=TO` values; the Flux adapter that checks them is loaded only when given. */
async function parseGitMirrors(texts: readonly string[]): Promise<GitMirror[]> {
  if (texts.length === 0) return [];
  const { parseGitMirror } = await import('@sluice/flux-adapter');
  return texts.map((text) => {
    const mirror = parseGitMirror(text);
    if ('error' in mirror) throw new CliError(`--git-mirror ${mirror.error}`);
    return mirror;
  });
}
