// Bundles the `sluice` command into dist/bin.js (after `tsc` wrote dist/), so that a run reads a
// few files instead of resolving and compiling hundreds of modules (start-up was ~200 ms of
// module loading before):
// - the workspace packages (@sluice/*) are compiled in from their sources;
// - third-party code imported statically (zod, js-yaml, p-limit, …) is compiled in too: every
//   run needs it, and zod alone is about a hundred files; their licences go to
//   dist/THIRD-PARTY-LICENSES.txt;
// - a package only ever loaded with `import()` (execa, tar, ioredis: helm, kubectl, chart
//   archives, Redis) stays external, resolved from node_modules when first used, so it must be
//   one of this package's dependencies (checked here), as for the packed tarball;
// - each command is a chunk loaded on demand (`import()` in main.ts): `sluice --version` loads
//   none of them;
// - what a chunk does when it is loaded costs every run that loads it, so two things are done
//   at build time instead: a workspace module's own version, read from its manifest with
//   `createRequire(import.meta.url)('@sluice/<name>/package.json')` (the Flux adapter's gate
//   options: the CommonJS loader and a package resolution on every Flux-mode run), is written
//   in; and a JSON module (the Flux CRD structures) becomes `JSON.parse` of its text, which V8
//   reads faster than the same data as an object literal.
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

const packageDir = new URL('../', import.meta.url);
const distDir = new URL('dist/', packageDir);
// Chunks sit next to bin.js: one folder, names that cannot clash with tsc's output.
const CHUNK_PREFIX = 'bin-';
const OWN_MANIFEST_PREFIX = "createRequire(import.meta.url)('@sluice/";
const OWN_MANIFEST = ownManifestPattern();
const LICENSES = 'THIRD-PARTY-LICENSES.txt';
for (const file of await readdir(distDir)) {
  if (file.startsWith(CHUNK_PREFIX) && file.endsWith('.js')) await rm(new URL(file, distDir));
}

const manifest = JSON.parse(await readFile(new URL('package.json', packageDir), 'utf8'));
const dependencies = new Set(Object.keys(manifest.dependencies ?? {}));
const packageName = (specifier) =>
  specifier.startsWith('@') ? specifier.split('/', 2).join('/') : specifier.split('/')[0];
/** Packages left as `import()`: each must be one of this package's dependencies. */
const external = new Set();

const result = await build({
  absWorkingDir: packageDir.pathname,
  entryPoints: { bin: 'src/bin.ts' },
  outdir: 'dist',
  chunkNames: `${CHUNK_PREFIX}[name]-[hash]`,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The workspace packages' TypeScript sources, as the tests and `pnpm sluice` use them.
  conditions: ['source'],
  metafile: true,
  legalComments: 'none',
  plugins: [
    {
      name: 'build-time-manifests-and-json',
      setup(esbuild) {
        esbuild.onLoad({ filter: /\/packages\/[^/]+\/src\/.*\.ts$/ }, async (args) => {
          const text = await readFile(args.path, 'utf8');
          if (!text.includes(OWN_MANIFEST_PREFIX)) return undefined;
          const contents = await replaceAsync(text, OWN_MANIFEST, async (_match, name) => {
            const version = await workspaceVersion(args.path, name);
            return `(${JSON.stringify({ version })})`;
          });
          return { contents, loader: 'ts' };
        });
        esbuild.onLoad({ filter: /\/packages\/[^/]+\/src\/.*\.json$/ }, async (args) => {
          const text = await readFile(args.path, 'utf8');
          JSON.parse(text); // a broken file fails the build here, not at run time
          return { contents: `export default JSON.parse(${JSON.stringify(text)});`, loader: 'js' };
        });
      },
    },
    {
      name: 'lazy-packages-stay-external',
      setup(esbuild) {
        esbuild.onResolve({ filter: /^[^./]/ }, (args) => {
          if (args.kind !== 'dynamic-import' || args.path.startsWith('node:')) return undefined;
          if (args.path.startsWith('@sluice/')) return undefined;
          external.add(packageName(args.path));
          return { path: args.path, external: true };
        });
      },
    },
  ],
  logLevel: 'warning',
});
/** `createRequire(import.meta.url)('@sluice/<name>/package.json')` in a workspace source. */
function ownManifestPattern() {
  return /createRequire\(import\.meta\.url\)\('(@sluice\/[a-z0-9-]+)\/package\.json'\)/g;
}

/** The version in the manifest of the workspace package `name`, the package of `source`. */
async function workspaceVersion(source, name) {
  // The module names its own package: its manifest is the nearest one above it.
  for (let folder = dirname(source); folder !== dirname(folder); folder = dirname(folder)) {
    const manifestText = await readFile(join(folder, 'package.json'), 'utf8').catch(() => undefined);
    if (manifestText === undefined) continue;
    const own = JSON.parse(manifestText);
    if (own.name !== name)
      throw new Error(`bundle-bin: ${source} reads ${name}'s manifest, not its own (${own.name})`);
    return own.version;
  }
  throw new Error(`bundle-bin: no manifest above ${source}`);
}

async function replaceAsync(text, pattern, replace) {
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    parts.push(text.slice(last, match.index), await replace(...match));
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return parts.join('');
}

const missing = [...external].filter((name) => !dependencies.has(name)).sort();
if (result.errors.length > 0 || missing.length > 0) {
  console.error(
    `bundle-bin: the bundle imports ${missing.join(', ')}, not in ${manifest.name}'s dependencies`,
  );
  process.exit(1);
}

// The licence of every third-party package compiled in, as their licences ask.
const bundled = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  // The last node_modules/<name>/ of the path is the package the file belongs to.
  const match = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+)\/)(?!.*node_modules\/)/.exec(input);
  if (match && !bundled.has(match[2])) bundled.set(match[2], new URL(match[1], packageDir));
}
const notices = [];
for (const [name, folder] of [...bundled].sort(([a], [b]) => a.localeCompare(b))) {
  const files = (await readdir(folder)).filter((file) => /^licen[cs]e/i.test(file));
  if (files.length === 0) throw new Error(`bundle-bin: ${name} ships no licence file`);
  const text = await readFile(new URL(files[0], folder), 'utf8');
  notices.push(`${name}\n${'='.repeat(name.length)}\n\n${text.trim()}\n`);
}
await writeFile(
  new URL(LICENSES, distDir),
  `Third-party code compiled into bin.js and its chunks:\n\n${notices.join('\n')}`,
);
