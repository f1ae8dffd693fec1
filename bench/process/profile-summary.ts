// Summarises a V8 CPU profile (`node --cpu-prof`) by where the time went: module loading, YAML
// parsing, zod, provenance, garbage collection, waiting, each package of Sluice.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface CpuProfile {
  readonly nodes: readonly { readonly id: number; readonly callFrame: CallFrame }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Self time of one category or function, in ms. */
export interface ProfileShare {
  readonly name: string;
  readonly ms: number;
}

/** Where one profiled run spent its time. */
export interface ProfileSummary {
  readonly totalMs: number;
  /** Categories, largest first. */
  readonly categories: readonly ProfileShare[];
  /** The functions with the most self time (Sluice's and its dependencies'), largest first. */
  readonly functions: readonly ProfileShare[];
}

const SLUICE_PACKAGE = /\/packages\/([^/]+)\/(?:dist|src)\//;

function categoryOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === '') {
    if (functionName === '(idle)') return 'waiting (idle event loop)';
    if (functionName === '(garbage collector)') return 'garbage collection';
    if (functionName === '(program)') return 'V8 / native (program)';
    return 'native calls (file system, …)';
  }
  if (url.startsWith('node:internal/modules/')) return 'module loading (resolve, read, compile)';
  if (url.startsWith('node:')) return 'Node internals (streams, fs wrappers, …)';
  if (url.includes('js-yaml')) return 'YAML parsing (js-yaml)';
  if (url.includes('/zod/')) return 'zod (schemas, validation)';
  if (url.includes('provenance')) return 'flux-adapter: provenance';
  const sluice = SLUICE_PACKAGE.exec(url);
  if (sluice) return `${sluice[1]} (Sluice)`;
  const dependency = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  return dependency ? `dependency: ${dependency[1]}` : 'other';
}

function shortUrl(url: string): string {
  const sluice = /\/packages\/([^/]+)\/(?:dist|src)\/(.*)$/.exec(url);
  if (sluice) return `${sluice[1]}/${sluice[2]}`;
  const dependency = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?(.*)$/.exec(url);
  return dependency ? dependency[1]! : url;
}

// The bundled bin (packages/cli/dist/bin*.js) holds many modules per file; esbuild starts each
// with a `// path` comment (relative to packages/cli), which gives a frame back its module.
const BUNDLE_FILE = /\/packages\/cli\/dist\/bin[^/]*\.js$/;
const bundleModules = new Map<string, readonly { line: number; path: string }[]>();

function modulesOf(url: string): readonly { line: number; path: string }[] {
  let modules = bundleModules.get(url);
  if (!modules) {
    const path = url.startsWith('file:') ? fileURLToPath(url) : url;
    let lines: string[] = [];
    try {
      lines = readFileSync(path, 'utf8').split('\n');
    } catch {
      // A bundle rebuilt since the run: its frames stay under the bundle's own name.
    }
    const base = new URL('.', url.startsWith('file:') ? url : `file://${url}`);
    modules = lines.flatMap((text, line) => {
      const marker = /^\/\/ ((?:\.\.\/|src\/)\S+)$/.exec(text);
      return marker ? [{ line, path: new URL(`../${marker[1]}`, base).pathname }] : [];
    });
    bundleModules.set(url, modules);
  }
  return modules;
}

/** The frame with the url of the module it came from, when it ran from the bundled bin. */
function unbundled(frame: CallFrame): CallFrame {
  if (!BUNDLE_FILE.test(frame.url)) return frame;
  let found: string | undefined;
  for (const module of modulesOf(frame.url)) {
    if (module.line > frame.lineNumber) break;
    found = module.path;
  }
  // The line is the bundle's, not the module's: it is left out of the function's name.
  return found ? { ...frame, url: found, lineNumber: -1 } : frame;
}

/** Reads a `.cpuprofile` file and summarises it. */
export async function summarizeProfile(path: string, topFunctions = 8): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(path, 'utf8')) as CpuProfile;
  const frames = new Map(profile.nodes.map((node) => [node.id, unbundled(node.callFrame)]));
  const categories = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const delta = (profile.timeDeltas[index] ?? 0) / 1000;
    total += delta;
    const frame = frames.get(id);
    if (!frame) return;
    const category = categoryOf(frame);
    categories.set(category, (categories.get(category) ?? 0) + delta);
    if (frame.url !== '' && !frame.url.startsWith('node:')) {
      const line = frame.lineNumber < 0 ? '' : `:${frame.lineNumber + 1}`;
      const name = `${frame.functionName || '(anonymous)'} (${shortUrl(frame.url)}${line})`;
      functions.set(name, (functions.get(name) ?? 0) + delta);
    }
  });
  const sorted = (map: Map<string, number>): ProfileShare[] =>
    [...map].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms || a.name.localeCompare(b.name));
  return {
    totalMs: total,
    categories: sorted(categories),
    functions: sorted(functions).slice(0, topFunctions),
  };
}

/** A Markdown table of a summary's categories (those of at least 1 % of the run). */
export function renderProfileTable(summary: ProfileSummary): string {
  const rows = summary.categories
    .filter((share) => share.ms >= summary.totalMs * 0.01)
    .map(
      (share) =>
        `| ${share.name} | ${share.ms.toFixed(0)} ms | ${((share.ms / summary.totalMs) * 100).toFixed(0)} % |`,
    );
  return ['| where the time went | self time | share |', '| --- | ---: | ---: |', ...rows].join('\n');
}
