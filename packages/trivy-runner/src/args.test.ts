import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildDbUpdateArgs,
  buildScanArgs,
  buildTrivyEnv,
  buildVersionArgs,
  dbRegistry,
  formatGoDuration,
} from './args.js';
import { resolveOptions } from './options.js';

describe('buildScanArgs', () => {
  it('asks for a small JSON report of vulnerabilities only and ends flags before the image', () => {
    const args = buildScanArgs('alpine:3.9', resolveOptions({ cache: false }), true);
    expect(args.slice(0, 7)).toEqual([
      'image',
      '--format',
      'json',
      '--quiet',
      '--scanners',
      'vuln',
      '--list-all-pkgs=false',
    ]);
    expect(args.slice(-2)).toEqual(['--', 'alpine:3.9']);
    expect(args).toContain('--skip-db-update');
    expect(args.join(' ')).toContain('--cache-backend memory');
    expect(args.join(' ')).toContain('--timeout 300s');
  });

  it('maps every result-affecting option to its Trivy flag', () => {
    const options = resolveOptions({
      cache: false,
      severities: ['HIGH', 'CRITICAL'],
      ignoreUnfixed: true,
      ignoreFile: '.trivyignore.yaml',
      scanTimeoutMs: 90_500,
      platform: 'linux/arm64',
      trivyCacheDir: '/tmp/trivy',
      dbRepository: ['mirror.example.com/trivy-db:2', 'ghcr.io/aquasecurity/trivy-db:2'],
      javaDbRepository: 'mirror.example.com/trivy-java-db:1',
      insecure: true,
      imageSources: ['remote'],
    });
    const args = buildScanArgs('ghcr.io/org/app@sha256:abc', options, false);
    expect(args).toEqual([
      'image',
      '--cache-dir',
      '/tmp/trivy',
      '--insecure',
      '--format',
      'json',
      '--quiet',
      '--scanners',
      'vuln',
      '--list-all-pkgs=false',
      '--timeout',
      '90.5s',
      '--severity',
      'HIGH,CRITICAL',
      '--ignore-unfixed',
      '--ignorefile',
      // Trivy runs in an empty private folder: relative paths are made absolute first.
      resolve('.trivyignore.yaml'),
      '--platform',
      'linux/arm64',
      '--image-src',
      'remote',
      '--cache-backend',
      'memory',
      '--db-repository',
      'mirror.example.com/trivy-db:2',
      '--db-repository',
      'ghcr.io/aquasecurity/trivy-db:2',
      '--java-db-repository',
      'mirror.example.com/trivy-java-db:1',
      '--',
      'ghcr.io/org/app@sha256:abc',
    ]);
  });

  it('uses client mode with a server: no DB or cache flags, and the token only in the environment', () => {
    const options = resolveOptions({
      cache: false,
      server: 'http://trivy.trivy-system:4954',
      token: 's3cret-token',
      tokenHeader: 'X-Trivy-Auth',
      customHeaders: { 'X-Tenant': 'team-a' },
      dbRepository: 'mirror.example.com/trivy-db:2',
      javaDbRepository: ['mirror.example.com/trivy-java-db:1'],
    });
    const args = buildScanArgs('nginx:1.27', options, false);
    // The server holds the vulnerability DB; the Java index DB is still the client's.
    expect(args).not.toContain('--db-repository');
    expect(args.join(' ')).toContain('--java-db-repository mirror.example.com/trivy-java-db:1');
    expect(args.join(' ')).toContain('--server http://trivy.trivy-system:4954');
    expect(args.join(' ')).toContain('--token-header X-Trivy-Auth');
    expect(args).not.toContain('--skip-db-update');
    expect(args).not.toContain('--cache-backend');
    expect(args.join(' ')).not.toContain('s3cret-token');
    expect(buildTrivyEnv(options)).toMatchObject({
      TRIVY_TOKEN: 's3cret-token',
      TRIVY_CUSTOM_HEADERS: 'X-Tenant:team-a',
    });
  });

  it('passes a redis scan cache through and keeps the fs backend for callers that ask for it', () => {
    expect(
      buildScanArgs('a', resolveOptions({ cache: false, trivyCacheBackend: 'redis://r:6379' }), true).join(
        ' ',
      ),
    ).toContain('--cache-backend redis://r:6379');
    const fs = resolveOptions({ cache: false, trivyCacheBackend: 'fs', concurrency: 8 });
    expect(fs.concurrency).toBe(1);
  });
});

describe('buildTrivyEnv: registry credentials only for the registries named', () => {
  const credentials = {
    TRIVY_USERNAME: 'robot',
    TRIVY_PASSWORD: 'hunter2-pw',
    TRIVY_REGISTRY_TOKEN: 'tok-123',
  };

  it('passes the whole environment, with credentials only when the registry is listed', () => {
    const options = resolveOptions({
      cache: false,
      env: { ...credentials, TRIVY_INSECURE: 'false', HTTPS_PROXY: 'http://proxy:3128' },
      registryCredentials: ['GHCR.io', 'registry.example.com:5000'],
    });
    expect(options.registryCredentials).toEqual(['ghcr.io', 'registry.example.com:5000']);
    const ghcr = buildTrivyEnv(options, 'ghcr.io');
    expect(ghcr).toMatchObject({ ...credentials, HTTPS_PROXY: 'http://proxy:3128', PATH: process.env.PATH });
    expect(buildTrivyEnv(options, 'registry.example.com:5000')).toMatchObject(credentials);
    for (const registry of ['attacker.example.com', 'registry.example.com', 'ghcr.io.evil.com', undefined]) {
      const env = buildTrivyEnv(options, registry);
      expect(env).not.toHaveProperty('TRIVY_USERNAME');
      expect(env).not.toHaveProperty('TRIVY_PASSWORD');
      expect(env).not.toHaveProperty('TRIVY_REGISTRY_TOKEN');
      expect(env).toMatchObject({ TRIVY_INSECURE: 'false', HTTPS_PROXY: 'http://proxy:3128' });
    }
  });

  it('gives credentials to no registry by default, and treats Docker Hub aliases as docker.io', () => {
    expect(buildTrivyEnv(resolveOptions({ cache: false, env: credentials }), 'ghcr.io')).not.toHaveProperty(
      'TRIVY_PASSWORD',
    );
    const hub = resolveOptions({ cache: false, env: credentials, registryCredentials: ['index.docker.io'] });
    expect(buildTrivyEnv(hub, 'docker.io')).toMatchObject(credentials);
  });

  it('refuses an entry that is not a registry host', () => {
    for (const host of ['https://ghcr.io', 'ghcr.io/org', '*.example.com', '', 'ghcr io']) {
      expect(() => resolveOptions({ registryCredentials: [host] }), host).toThrow(/is not a registry host/);
    }
  });

  it('lets the DB download have credentials only when its one registry is listed', () => {
    const mirror = { cache: false, env: credentials, registryCredentials: ['mirror.example.com'] } as const;
    expect(dbRegistry(resolveOptions({ ...mirror, dbRepository: 'mirror.example.com/trivy-db:2' }))).toBe(
      'mirror.example.com',
    );
    expect(
      dbRegistry(
        resolveOptions({
          ...mirror,
          dbRepository: ['mirror.example.com/db:2', 'ghcr.io/aquasecurity/trivy-db:2'],
        }),
      ),
    ).toBeUndefined();
    // Trivy's default repositories are more than one host.
    expect(dbRegistry(resolveOptions(mirror))).toBeUndefined();
  });
});

describe('warm-up and version arguments', () => {
  it('downloads the DB once without scanning', () => {
    const args = buildDbUpdateArgs(
      resolveOptions({ cache: false, trivyCacheDir: '/c', dbRepository: 'mirror/db:2' }),
    );
    expect(args).toEqual([
      'image',
      '--cache-dir',
      '/c',
      '--download-db-only',
      '--quiet',
      '--no-progress',
      '--timeout',
      '600s',
      '--db-repository',
      'mirror/db:2',
    ]);
  });

  it('reads the version as JSON from the same cache dir', () => {
    expect(buildVersionArgs(resolveOptions({ cache: false, trivyCacheDir: '/c', insecure: true }))).toEqual([
      'version',
      '--cache-dir',
      '/c',
      '--format',
      'json',
    ]);
  });

  it('formats Go durations', () => {
    expect(formatGoDuration(300_000)).toBe('300s');
    expect(formatGoDuration(1500)).toBe('1.5s');
    expect(formatGoDuration(0)).toBe('0.001s');
  });
});
