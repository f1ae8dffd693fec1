import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { repoPath } from './index.js';

const run = promisify(execFile);

/** The charts written for Sluice's tests (`webapp`, `common`, `cache`, and `standins/*`). */
export const TEST_CHARTS: string = repoPath('internal/test-utils/charts');

/** Runs helm with an isolated environment; throws with helm's stderr on failure. */
export async function runTestHelm(
  helm: string,
  env: Readonly<Record<string, string>>,
  args: readonly string[],
): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(helm, [...args], { env: { PATH: process.env.PATH ?? '', ...env }, maxBuffer: 64 << 20 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`helm ${args.join(' ')} failed: ${stderr || (error as Error).message}`);
  }
}

/**
 * Packages a chart folder (`helm package --dependency-update`) at a version into `destination`
 * and returns the archive path. The chart and its siblings (its `file://../` dependencies) are
 * copied aside first, so that the vendored `charts/` and `Chart.lock` never land in the sources.
 */
export async function packageChart(
  helm: string,
  env: Readonly<Record<string, string>>,
  chartDir: string,
  destination: string,
  version?: { readonly version: string; readonly appVersion?: string },
): Promise<string> {
  await mkdir(destination, { recursive: true });
  const scratch = await mkdtemp(join(tmpdir(), 'sluice-package-'));
  try {
    await cp(dirname(chartDir), scratch, { recursive: true });
    return await packageCopy(helm, env, join(scratch, basename(chartDir)), destination, version);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function packageCopy(
  helm: string,
  env: Readonly<Record<string, string>>,
  chartDir: string,
  destination: string,
  version?: { readonly version: string; readonly appVersion?: string },
): Promise<string> {
  const { stdout } = await runTestHelm(helm, env, [
    'package',
    chartDir,
    '--dependency-update',
    `--destination=${destination}`,
    ...(version ? [`--version=${version.version}`] : []),
    ...(version?.appVersion ? [`--app-version=${version.appVersion}`] : []),
  ]);
  const path = /saved it to: (.+\.tgz)/.exec(stdout)?.[1];
  if (!path) throw new Error(`helm package printed no archive: ${stdout}`);
  return path.trim();
}

/** Pushes a chart archive to `oci://HOST/charts` over plain HTTP; returns the manifest digest. */
export async function pushChart(
  helm: string,
  env: Readonly<Record<string, string>>,
  archive: string,
  registryHost: string,
  repository = 'charts',
): Promise<string> {
  const { stdout, stderr } = await runTestHelm(helm, env, [
    'push',
    archive,
    `oci://${registryHost}/${repository}`,
    '--plain-http',
  ]);
  const digest = /Digest:\s*(sha256:[a-f0-9]{64})/.exec(`${stdout}\n${stderr}`)?.[1];
  if (!digest) throw new Error(`helm push printed no digest: ${stdout}${stderr}`);
  return digest;
}

/** Writes `index.yaml` for the archives of `dir` (`helm repo index --url URL`). */
export async function indexChartRepository(
  helm: string,
  env: Readonly<Record<string, string>>,
  dir: string,
  url: string,
): Promise<void> {
  await runTestHelm(helm, env, ['repo', 'index', dir, `--url=${url}`]);
}

/** The path of a test chart folder. */
export function testChart(name: string): string {
  return join(TEST_CHARTS, name);
}
