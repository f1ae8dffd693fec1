import type { GateCache, GateSecretKey, GenerateGateOptions } from '@sluice/flux-adapter';
import { SLUICE_IMAGE_REPOSITORY, parseFluxDuration } from '@sluice/flux-adapter';
import type { SluiceConfig } from '../config.js';
import { CliError } from '../exit-codes.js';
import type { OptionValues } from '../options.js';
import { listOption, stringOption } from '../options.js';
import { SLUICE_VERSION } from '../version.js';

/** The Sluice image a gate runs unless told otherwise: this CLI's own release. */
export const CLI_SLUICE_IMAGE = `${SLUICE_IMAGE_REPOSITORY}:${SLUICE_VERSION}`;

type GateSettings = Omit<GenerateGateOptions, 'workloads' | 'policy' | 'images' | 'diagnostics'>;

/**
 * The gate Job's settings from the command line (and, for the scanner, the config file named by
 * `--config`): the Sluice image, concurrency and time budget, the Trivy server or DB mirrors, the
 * result cache (`--cache redis://…`, `--cache-secret NAME[:KEY]`, `--cache pvc[:CLAIM]`),
 * registry credentials.
 */
export function resolveGateSettings(values: OptionValues, config: SluiceConfig): GateSettings {
  const optional = <K extends keyof GateSettings>(key: K, value: GateSettings[K] | undefined) =>
    value === undefined ? {} : ({ [key]: value } as Pick<GateSettings, K>);
  const concurrencyText = stringOption(values, 'concurrency');
  const concurrency = concurrencyText === undefined ? config.concurrency : Number(concurrencyText);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)) {
    throw new CliError(`--concurrency ${concurrencyText}: expected a whole number from 1 to 64`);
  }
  const server = stringOption(values, 'server') ?? config.server;
  const tokenSecret = stringOption(values, 'server-token-secret');
  const dbRepository = listOption(values, 'db-repository');
  const javaDbRepository = listOption(values, 'java-db-repository');
  return {
    sluiceImage: stringOption(values, 'sluice-image') ?? CLI_SLUICE_IMAGE,
    ...optional('namespace', stringOption(values, 'namespace')),
    ...optional('cluster', stringOption(values, 'cluster')),
    ...optional('timeout', stringOption(values, 'timeout')),
    ...optional('maxTimeout', stringOption(values, 'max-timeout')),
    ...optional('revision', stringOption(values, 'revision')),
    ...optional('registrySecret', stringOption(values, 'registry-secret')),
    ...optional('concurrency', concurrency),
    ...optional('perImageSeconds', seconds(values, 'image-budget')),
    ...optional('dbDownloadSeconds', seconds(values, 'db-budget')),
    ...optional('server', server),
    ...optional('serverTokenSecret', tokenSecret === undefined ? undefined : secretKey(tokenSecret)),
    ...optional('dbRepository', dbRepository.length > 0 ? dbRepository : config.dbRepository),
    ...optional('javaDbRepository', javaDbRepository.length > 0 ? javaDbRepository : config.javaDbRepository),
    ...optional('cache', resolveGateCache(values)),
  };
}

function resolveGateCache(values: OptionValues): GateCache | undefined {
  const cache = stringOption(values, 'cache');
  const secret = stringOption(values, 'cache-secret');
  const size = stringOption(values, 'cache-size');
  const storageClassName = stringOption(values, 'storage-class');
  if (secret !== undefined) {
    if (cache !== undefined)
      throw new CliError('--cache-secret names the Redis URL: give it or --cache, not both');
    return { type: 'redis', secret: secretKey(secret) };
  }
  if (cache === undefined) {
    if (size !== undefined || storageClassName !== undefined)
      throw new CliError('--cache-size and --storage-class need --cache pvc');
    return undefined;
  }
  if (/^rediss?:\/\//.test(cache)) return { type: 'redis', url: cache };
  const claim = /^pvc(?::(.+))?$/.exec(cache);
  if (!claim) {
    throw new CliError(
      `--cache ${cache}: expected redis://HOST:PORT/DB, pvc (a claim generated with the gate) or pvc:NAME (an existing claim)`,
    );
  }
  return {
    type: 'volume',
    ...(claim[1] === undefined ? {} : { claimName: claim[1] }),
    ...(size === undefined ? {} : { size }),
    ...(storageClassName === undefined ? {} : { storageClassName }),
  };
}

function secretKey(text: string): GateSecretKey {
  const [name = '', key] = text.split(':');
  return { name, ...(key === undefined ? {} : { key }) };
}

function seconds(values: OptionValues, name: 'image-budget' | 'db-budget'): number | undefined {
  const text = stringOption(values, name);
  if (text === undefined) return undefined;
  try {
    return Math.round(parseFluxDuration(text, `--${name}`));
  } catch {
    throw new CliError(`--${name} ${text}: expected a duration such as 45s, 5m or 1h`);
  }
}
