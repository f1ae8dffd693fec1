import { describe, expect, it } from 'vitest';
import { parseCommandLine } from './options.js';
import { resolveRunnerOptions } from './scan-settings.js';

const context = (env: Record<string, string>) => ({
  stdout: { write: () => true },
  stderr: { write: () => true },
  env,
  cwd: '/work',
});

describe('resolveRunnerOptions', () => {
  it('takes the result cache from --cache, else SLUICE_CACHE, else the config file', () => {
    const redis = 'redis://:s3cret@redis.sluice:6379/0';
    const { values } = parseCommandLine(['scan']);
    expect(resolveRunnerOptions(values, { cache: 'cfg' }, context({ SLUICE_CACHE: redis })).cache).toBe(
      redis,
    );
    expect(resolveRunnerOptions(values, { cache: 'cfg' }, context({})).cache).toBe('/work/cfg');
    const explicit = parseCommandLine(['scan', '--cache', 'here']).values;
    expect(resolveRunnerOptions(explicit, {}, context({ SLUICE_CACHE: redis })).cache).toBe('/work/here');
    const none = parseCommandLine(['scan', '--no-cache']).values;
    expect(resolveRunnerOptions(none, {}, context({ SLUICE_CACHE: redis })).cache).toBe(false);
  });

  it('passes DB mirrors from the command line, else from the config file', () => {
    const { values } = parseCommandLine([
      'scan',
      '--db-repository',
      'mirror.example/trivy-db:2',
      '--db-repository',
      'ghcr.io/aquasecurity/trivy-db:2',
      '--java-db-repository',
      'mirror.example/trivy-java-db:1',
    ]);
    expect(resolveRunnerOptions(values, { dbRepository: ['cfg/db:2'] }, context({}))).toMatchObject({
      dbRepository: ['mirror.example/trivy-db:2', 'ghcr.io/aquasecurity/trivy-db:2'],
      javaDbRepository: ['mirror.example/trivy-java-db:1'],
    });
    expect(
      resolveRunnerOptions(parseCommandLine(['scan']).values, { dbRepository: ['cfg/db:2'] }, context({})),
    ).toMatchObject({ dbRepository: ['cfg/db:2'] });
  });
});
