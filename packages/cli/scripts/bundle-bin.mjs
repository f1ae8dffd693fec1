// Bundles the `sluice` command into dist/bin.js (after `tsc` wrote dist/): the workspace packages
// (@sluice/*) are compiled in from their sources, so a run reads one entry file and the chunks
// of the command it runs instead of walking hundreds of modules; third-party packages stay
// external, resolved from node_modules as the package's dependencies (so the packed tarball
// works when installed). Each command is a chunk loaded on demand (`import()` in main.ts):
// `sluice --version` loads none of them.
import { readdir, readFile, rm } from 'node:fs/promises';
import { build } from 'esbuild';

const packageDir = new URL('../', import.meta.url);
const distDir = new URL('dist/', packageDir);
// Chunks sit next to bin.js so that paths relative to a module (../package.json) stay right.
const CHUNK_PREFIX = 'bin-';
for (const file of await readdir(distDir)) {
  if (file.startsWith(CHUNK_PREFIX) && file.endsWith('.js')) await rm(new URL(file, distDir));
}

const manifest = JSON.parse(await readFile(new URL('package.json', packageDir), 'utf8'));
const dependencies = new Set(Object.keys(manifest.dependencies ?? {}));
// What the bundle imports from node_modules; each must be one of this package's dependencies,
// or the installed `sluice` could not resolve it.
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
  // Everything that is not a workspace package or a relative import stays an import.
  plugins: [
    {
      name: 'external-third-party',
      setup(esbuild) {
        esbuild.onResolve({ filter: /^[^./]/ }, (args) => {
          if (args.path.startsWith('@sluice/') || args.path.startsWith('node:')) return undefined;
          external.add(
            args.path.startsWith('@') ? args.path.split('/', 2).join('/') : args.path.split('/')[0],
          );
          return { path: args.path, external: true };
        });
      },
    },
  ],
  logLevel: 'warning',
});
const missing = [...external].filter((name) => !dependencies.has(name)).sort();
if (result.errors.length > 0 || missing.length > 0) {
  console.error(
    `bundle-bin: the bundle imports ${missing.join(', ')}, not in ${manifest.name}'s dependencies`,
  );
  process.exit(1);
}
