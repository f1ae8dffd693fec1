import { describe, expect, it } from 'vitest';
import { CliError } from '../exit-codes.js';
import { parseCommandLine } from '../options.js';
import { CLI_SLUICE_IMAGE, resolveGateSettings } from './gate-settings.js';

const settings = (...args: string[]) => resolveGateSettings(parseCommandLine(['gate', ...args]).values, {});

describe('resolveGateSettings', () => {
  it('defaults to this release of the Sluice image and nothing else', () => {
    expect(settings()).toEqual({ sluiceImage: CLI_SLUICE_IMAGE });
    expect(CLI_SLUICE_IMAGE).toMatch(/^ghcr\.io\/sluice-dev\/sluice:\d+\.\d+\.\d+/);
  });

  it('reads the time budget, the backend and registry credentials', () => {
    expect(
      settings(
        '--concurrency',
        '8',
        '--image-budget',
        '1m30s',
        '--db-budget',
        '0s',
        '--max-timeout',
        '2h',
        '--server',
        'http://trivy.trivy-system:4954',
        '--server-token-secret',
        'trivy:server-token',
        '--java-db-repository',
        'mirror.example/trivy-java-db:1',
        '--registry-secret',
        'regcred',
      ),
    ).toMatchObject({
      concurrency: 8,
      perImageSeconds: 90,
      dbDownloadSeconds: 0,
      maxTimeout: '2h',
      server: 'http://trivy.trivy-system:4954',
      serverTokenSecret: { name: 'trivy', key: 'server-token' },
      javaDbRepository: ['mirror.example/trivy-java-db:1'],
      registrySecret: 'regcred',
    });
  });

  it('reads the result cache: a Redis URL, a Secret, a generated or an existing claim', () => {
    expect(settings('--cache', 'redis://redis.sluice:6379/0').cache).toEqual({
      type: 'redis',
      url: 'redis://redis.sluice:6379/0',
    });
    expect(settings('--cache-secret', 'sluice-redis').cache).toEqual({
      type: 'redis',
      secret: { name: 'sluice-redis' },
    });
    expect(settings('--cache', 'pvc', '--cache-size', '20Gi', '--storage-class', 'fast').cache).toEqual({
      type: 'volume',
      size: '20Gi',
      storageClassName: 'fast',
    });
    expect(settings('--cache', 'pvc:scans').cache).toEqual({ type: 'volume', claimName: 'scans' });
    expect(() => settings('--cache', '/var/cache')).toThrow(CliError);
    expect(() => settings('--cache', 'pvc', '--cache-secret', 'x')).toThrow(/not both/);
    expect(() => settings('--cache-size', '5Gi')).toThrow(/need --cache pvc/);
    expect(() => settings('--image-budget', 'soon')).toThrow(/expected a duration/);
    expect(() => settings('--concurrency', '0')).toThrow(/1 to 64/);
  });
});
