// `pnpm check:packages` (run by .ci/run after `pnpm build`): Sluice as a user installs it, from
// the packed artefacts only, never the workspace.
//
// 1. `pnpm pack` every publishable package; each tarball is checked: resolved versions (no
//    `workspace:`), no `source` export condition, every entry point and bin present, no source
//    maps, nothing from src/, LICENSE and README shipped, and every import in dist/ is a Node
//    built-in, the package itself or a declared dependency.
// 2. `npm install ./x.tgz …` into a scratch project: `sluice --version`, the README's SDK snippet
//    on a copy of the example repository, and a TypeScript reporter refused with its message.
// 3. `npm install -g --prefix TMP @sluice/cli` and `npx @sluice/cli` by name, from a registry on
//    127.0.0.1 that serves the @sluice scope from the tarballs (third-party packages come from
//    npm's cache or the npm registry), then `sluice scan` of a fixture repository from another
//    working directory.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = ['core', 'trivy-runner', 'flux-adapter', 'reporters', 'cli'];
const failures: string[] = [];

function check(condition: unknown, message: string): void {
  if (!condition) failures.push(message);
}

function log(message: string): void {
  process.stderr.write(`check-packages: ${message}\n`);
}

/**
 * Runs a command, returns its status and output; never throws on a non-zero status. Async: the
 * registry below answers from this process while npm runs.
 */
function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? ROOT,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

async function filesBelow(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

const BUILTINS = new Set(builtinModules);
// import … from 'x', export … from 'x', import 'x', import('x') (and import("x").T in types).
const SPECIFIERS = [
  /^\s*(?:import|export)\s[^;'"]*?\sfrom\s+['"]([^'"\n]+)['"]/gm,
  /^\s*import\s+['"]([^'"\n]+)['"]/gm,
  /\bimport\(\s*['"]([^'"\n]+)['"]\s*\)/g,
];

/** Every string leaf of an exports map: the files it points at. */
function exportTargets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(exportTargets);
}

/** Checks one unpacked package (the `package/` folder of its tarball). */
async function checkTarball(name: string, folder: string, license: string): Promise<void> {
  const manifestText = await readFile(join(folder, 'package.json'), 'utf8');
  const manifest = JSON.parse(manifestText) as {
    name: string;
    license?: string;
    exports?: Record<string, unknown>;
    main?: string;
    types?: string;
    bin?: Record<string, string>;
    dependencies?: Record<string, string>;
  };
  check(!manifestText.includes('workspace:'), `${name}: package.json still holds a workspace: range`);
  check(!manifestText.includes('"source"'), `${name}: package.json still has the "source" export condition`);
  check(manifest.license === 'Apache-2.0', `${name}: license is ${manifest.license}, expected Apache-2.0`);
  const files = (await filesBelow(folder)).map((file) => relative(folder, file).split('\\').join('/'));
  const has = (path: string): boolean => files.includes(path.replace(/^\.\//, ''));
  const targets = [
    manifest.main,
    manifest.types,
    ...Object.values(manifest.bin ?? {}),
    ...exportTargets(manifest.exports),
  ].filter((target): target is string => target !== undefined && target !== '.');
  for (const target of targets)
    check(has(target), `${name}: ${target} is named in package.json but not shipped`);
  check(has('LICENSE'), `${name}: no LICENSE in the tarball`);
  if (has('LICENSE')) {
    check(
      (await readFile(join(folder, 'LICENSE'), 'utf8')) === license,
      `${name}: LICENSE differs from the root's`,
    );
  }
  check(has('README.md'), `${name}: no README.md in the tarball`);
  check(!files.some((file) => file.startsWith('src/')), `${name}: src/ is shipped`);
  check(!files.some((file) => file.endsWith('.map')), `${name}: source maps are shipped`);
  check(!files.some((file) => /\.test\.|\/e2e\//.test(file)), `${name}: tests are shipped`);
  const allowed = new Set([manifest.name, ...Object.keys(manifest.dependencies ?? {})]);
  for (const file of files.filter((path) => /\.(?:js|d\.ts)$/.test(path))) {
    const text = await readFile(join(folder, file), 'utf8');
    check(!text.includes('sourceMappingURL'), `${name}: ${file} points at a source map`);
    for (const [, specifier = ''] of SPECIFIERS.flatMap((pattern) => [...text.matchAll(pattern)])) {
      if (specifier.startsWith('.') || specifier.startsWith('node:') || BUILTINS.has(specifier)) continue;
      const packageName = specifier.startsWith('@')
        ? specifier.split('/').slice(0, 2).join('/')
        : (specifier.split('/')[0] ?? specifier);
      // Types may name @types packages and TypeScript's own (erased at run time).
      if (file.endsWith('.d.ts') && allowed.has(packageName.replace(/^@types\//, ''))) continue;
      check(allowed.has(packageName), `${name}: ${file} imports ${specifier}, which is not a dependency`);
    }
  }
}

/** Serves the @sluice scope, from the tarballs, as an npm registry on 127.0.0.1. */
async function startScopeRegistry(
  tarballs: Record<string, string>,
): Promise<{ url: string; close: () => void }> {
  const packuments = new Map<string, object>();
  const bytes = new Map<string, Buffer>();
  const server = createServer((request, response) => {
    const path = decodeURIComponent((request.url ?? '/').split('?')[0] ?? '/');
    const tarball = bytes.get(path);
    const packument = packuments.get(path.slice(1));
    if (tarball) {
      response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(tarball);
    } else if (packument) {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(packument));
    } else {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  for (const [name, file] of Object.entries(tarballs)) {
    const data = await readFile(file);
    const unpacked = await mkdtemp(join(tmpdir(), 'sluice-manifest-'));
    execFileSync('tar', ['-xzf', file, '-C', unpacked, 'package/package.json']);
    const manifest = JSON.parse(await readFile(join(unpacked, 'package', 'package.json'), 'utf8')) as {
      version: string;
    };
    const path = `/-/${name.replace('/', '-')}-${manifest.version}.tgz`;
    bytes.set(path, data);
    packuments.set(name, {
      name,
      'dist-tags': { latest: manifest.version },
      versions: {
        [manifest.version]: {
          ...manifest,
          _id: `${name}@${manifest.version}`,
          dist: {
            tarball: `${url.slice(0, -1)}${path}`,
            shasum: createHash('sha1').update(data).digest('hex'),
            integrity: `sha512-${createHash('sha512').update(data).digest('base64')}`,
          },
        },
      },
    });
  }
  return { url, close: () => server.close() };
}

const work = await mkdtemp(join(tmpdir(), 'sluice-packages-'));
const tarballDir = join(work, 'tarballs');
try {
  const license = await readFile(join(ROOT, 'LICENSE'), 'utf8');
  const pnpm = process.env.npm_config_user_agent?.startsWith('pnpm/') ? process.env.npm_execpath : undefined;
  log('packing');
  const packed = pnpm
    ? await run(pnpm, ['-r', '--filter', './packages/*', 'pack', '--pack-destination', tarballDir])
    : await run('npx', [
        '-y',
        'pnpm@12.4.2',
        '-r',
        '--filter',
        './packages/*',
        'pack',
        '--pack-destination',
        tarballDir,
      ]);
  if (packed.status !== 0) throw new Error(`pnpm pack failed:\n${packed.stdout}${packed.stderr}`);
  const tarballs: Record<string, string> = {};
  for (const name of PACKAGES) {
    const file = join(
      tarballDir,
      `sluice-${name}-${JSON.parse(await readFile(join(ROOT, 'packages', name, 'package.json'), 'utf8')).version}.tgz`,
    );
    tarballs[`@sluice/${name}`] = file;
    const folder = join(work, 'unpacked', name);
    await mkdir(folder, { recursive: true });
    execFileSync('tar', ['-xzf', file, '-C', folder]);
    await checkTarball(`@sluice/${name}`, join(folder, 'package'), license);
  }
  const version = (
    JSON.parse(await readFile(join(ROOT, 'packages/cli/package.json'), 'utf8')) as { version: string }
  ).version;

  // A fixture repository, copied so that nothing of the workspace is around it.
  const repo = join(work, 'repo');
  await cp(join(ROOT, 'examples/flux-repo'), repo, {
    recursive: true,
    filter: (source) => !source.includes(`${join('flux-repo', 'node_modules')}`),
  });
  const fakeTrivyImages = join(work, 'trivy-images.json');
  await writeFile(
    fakeTrivyImages,
    JSON.stringify({
      'ghcr.io/aquasecurity/trivy-test-images:alpine-39': 'alpine-39.json.golden',
      'ghcr.io/aquasecurity/trivy-test-images:sle-micro-rancher-5.4_ndb': 'sl-micro-rancher5.4.json.golden',
      'ghcr.io/aquasecurity/trivy-test-images:ubuntu-1804': 'ubuntu-1804.json.golden',
    }),
  );
  const userEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    PATH: [join(ROOT, 'internal/fake-trivy'), dirname(process.execPath), process.env.PATH ?? ''].join(
      delimiter,
    ),
    HOME: join(work, 'home'),
    XDG_CACHE_HOME: join(work, 'home', '.cache'),
    FAKE_TRIVY_IMAGES: fakeTrivyImages,
    npm_config_cache: process.env.npm_config_cache ?? join(process.env.HOME ?? tmpdir(), '.npm'),
    NO_COLOR: '1',
    ...extra,
  });

  log('installing the tarballs into a scratch project');
  const scratch = join(work, 'scratch');
  await mkdir(scratch);
  await writeFile(
    join(scratch, 'package.json'),
    JSON.stringify({ name: 'scratch', private: true, type: 'module' }),
  );
  const npmInstall = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];
  const installed = await run('npm', [...npmInstall, ...Object.values(tarballs)], {
    cwd: scratch,
    env: userEnv(),
  });
  if (installed.status !== 0) throw new Error(`npm install of the tarballs failed:\n${installed.stderr}`);
  const localSluice = join(scratch, 'node_modules', '.bin', 'sluice');
  const localVersion = await run(localSluice, ['--version'], { cwd: scratch, env: userEnv() });
  check(
    localVersion.stdout === `sluice ${version}\n`,
    `sluice --version printed ${JSON.stringify(localVersion.stdout)}`,
  );

  log("running the README's SDK snippet");
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const snippet = /## The SDK\n+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  check(snippet, "README.md has no ```ts block under '## The SDK'");
  // It runs in the repository it scans; its imports resolve next to it, in the scratch project.
  await writeFile(join(scratch, 'snippet.mjs'), snippet ?? '');
  const sdk = await run(process.execPath, [join(scratch, 'snippet.mjs')], { cwd: repo, env: userEnv() });
  check(sdk.status === 0, `the SDK snippet exited ${sdk.status}: ${sdk.stderr}`);
  check(
    sdk.stdout.startsWith('blocked {'),
    `the SDK snippet printed ${JSON.stringify(sdk.stdout.slice(0, 80))}`,
  );
  check(sdk.stdout.includes('"version": "2.1.0"'), 'the SDK snippet printed no SARIF 2.1.0 log');

  log('refusing a TypeScript reporter');
  await writeFile(
    join(work, 'reporter.ts'),
    "export default { name: 'x', render: (r: unknown) => String(r) };\n",
  );
  const typed = await run(localSluice, ['scan', repo, '--reporter', './reporter.ts', '-q'], {
    cwd: work,
    env: userEnv(),
  });
  check(typed.status === 2, `a .ts reporter exited ${typed.status}`);
  check(typed.stderr.includes('is TypeScript'), `a .ts reporter said: ${typed.stderr}`);

  log('installing @sluice/cli globally and with npx, by name, from a registry serving the tarballs');
  const registry = await startScopeRegistry(tarballs);
  try {
    const scoped = `--@sluice:registry=${registry.url}`;
    const prefix = join(work, 'prefix');
    const global = await run('npm', [...npmInstall, '-g', '--prefix', prefix, scoped, '@sluice/cli'], {
      cwd: work,
      env: userEnv(),
    });
    if (global.status !== 0) throw new Error(`npm install -g @sluice/cli failed:\n${global.stderr}`);
    const sluice = join(prefix, 'bin', 'sluice');
    const elsewhere = join(work, 'elsewhere');
    await mkdir(elsewhere);
    const version1 = await run(sluice, ['--version'], { cwd: elsewhere, env: userEnv() });
    check(
      version1.stdout === `sluice ${version}\n`,
      `global sluice --version printed ${JSON.stringify(version1.stdout)}`,
    );
    const images = await run(sluice, ['images', '../repo'], { cwd: elsewhere, env: userEnv() });
    check(images.status === 0, `global sluice images exited ${images.status}: ${images.stderr}`);
    check(
      images.stdout.includes('ghcr.io/aquasecurity/trivy-test-images:alpine-39') &&
        images.stdout.includes('apps/production/kustomization.yaml:12:13'),
      `global sluice images printed ${JSON.stringify(images.stdout.slice(0, 200))}`,
    );
    // A cluster folder is read in its repository (the same images as the whole repository here).
    const cluster = await run(sluice, ['images', '../repo/clusters/production'], {
      cwd: elsewhere,
      env: userEnv(),
    });
    check(
      cluster.status === 0 && cluster.stdout === images.stdout,
      `global sluice images ../repo/clusters/production differs from the repository's: ${cluster.stderr}`,
    );
    check(
      cluster.stderr.includes('is a cluster of the repository at ../repo'),
      `global sluice images of a cluster folder said: ${cluster.stderr}`,
    );
    const fromReports = await run(
      sluice,
      [
        'scan',
        '../repo',
        '--trivy-reports',
        '../repo/trivy-reports',
        '--fail-on',
        'never',
        '-f',
        'json',
        '-q',
      ],
      { cwd: elsewhere, env: userEnv() },
    );
    check(
      fromReports.status === 0,
      `global sluice scan --trivy-reports exited ${fromReports.status}: ${fromReports.stderr}`,
    );
    const report = JSON.parse(fromReports.stdout || '{}') as {
      verdict?: string;
      summary?: { objects: { total: number; blocked: number }; images: { total: number } };
    };
    check(
      report.verdict === 'blocked' &&
        report.summary?.objects.blocked === 1 &&
        report.summary.images.total === 4,
      `global sluice scan reported ${fromReports.stdout.slice(0, 200)}`,
    );
    const scanned = await run(sluice, ['scan', '../repo', '-q'], { cwd: elsewhere, env: userEnv() });
    check(
      scanned.status === 1,
      `global sluice scan with trivy on PATH exited ${scanned.status}: ${scanned.stderr}`,
    );
    check(
      /^Sluice BLOCKED: /.test(scanned.stdout),
      `global sluice scan printed ${scanned.stdout.slice(0, 120)}`,
    );
    const empty = await run(sluice, ['scan', '.'], { cwd: elsewhere, env: userEnv() });
    check(empty.status === 2, `sluice scan of an empty folder exited ${empty.status}`);

    const npx = await run(
      'npm',
      ['exec', '--yes', scoped, '--package', `@sluice/cli@${version}`, '--', 'sluice', '--version'],
      {
        cwd: elsewhere,
        env: userEnv(),
      },
    );
    check(
      npx.stdout.trim() === `sluice ${version}`,
      `npx @sluice/cli --version printed ${JSON.stringify(npx.stdout)} ${npx.stderr}`,
    );
  } finally {
    registry.close();
  }
} finally {
  await rm(work, { recursive: true, force: true });
}

if (failures.length > 0) {
  for (const failure of failures) process.stderr.write(`check-packages: FAIL ${failure}\n`);
  process.exit(1);
}
log(`ok: ${PACKAGES.length} packages packed, installed from their tarballs, globally and with npx`);
