import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoPath } from '@sluice/test-utils';
import { makeTempDir } from './temp-repo.js';

/** The stand-in `trivy` executable. */
export const FAKE_TRIVY = repoPath('internal/fake-trivy/trivy');

/** One line of the stand-in's invocation log (`FAKE_TRIVY_LOG`). */
export interface TrivyLogEntry {
  readonly pid: number;
  readonly argv: readonly string[];
  readonly trivyEnv: readonly string[];
  readonly command?: string;
  readonly image?: string;
  readonly exitCode?: number;
  readonly fault?: string;
  readonly hanging?: boolean;
  readonly dbDownload?: boolean;
  readonly customHeaders?: unknown;
  readonly signal?: string;
  /** Where the stand-in ran, and the Trivy files it read there. */
  readonly cwd?: string;
  readonly configFile?: string;
  readonly ignoreFile?: string;
}

/** A private world for the stand-in: image map, Trivy cache, result cache, invocation log. */
export interface TrivySandbox {
  readonly dir: string;
  readonly trivyCacheDir: string;
  readonly resultCacheDir: string;
  readonly logFile: string;
  /** The stand-in's environment (`FAKE_TRIVY_*`) plus `extra`. */
  env(extra?: Record<string, string>): Record<string, string>;
  /** Every invocation logged so far. */
  log(): Promise<TrivyLogEntry[]>;
  /** The invocations that scanned an image. */
  scans(): Promise<TrivyLogEntry[]>;
  cleanup(): Promise<void>;
}

/** A `"*"` fallback image map: every unknown name replays `golden` (a clean one by default). */
export function fallbackImages(
  golden = 'alpine-distroless.json.golden',
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { '*': golden, ...extra };
}

/** Creates a sandbox whose image map is `images` (merged over the stand-in's built-in map). */
export async function createTrivySandbox(
  images: Record<string, unknown> = fallbackImages(),
): Promise<TrivySandbox> {
  const dir = await makeTempDir('sluice-reliability-trivy-');
  const trivyCacheDir = join(dir, 'trivy-cache');
  const resultCacheDir = join(dir, 'result-cache');
  const logFile = join(dir, 'trivy.log');
  const imageMap = join(dir, 'images.json');
  await mkdir(trivyCacheDir, { recursive: true });
  await writeFile(imageMap, JSON.stringify(images));
  const log = async (): Promise<TrivyLogEntry[]> => {
    let text: string;
    try {
      text = await readFile(logFile, 'utf8');
    } catch {
      return [];
    }
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as TrivyLogEntry);
  };
  return {
    dir,
    trivyCacheDir,
    resultCacheDir,
    logFile,
    env: (extra = {}) => ({
      HOME: dir,
      XDG_CACHE_HOME: join(dir, 'xdg-cache'),
      FAKE_TRIVY_IMAGES: imageMap,
      FAKE_TRIVY_LOG: logFile,
      ...extra,
    }),
    log,
    scans: async () =>
      (await log()).filter((entry) => entry.command === 'image' && entry.image !== undefined),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
