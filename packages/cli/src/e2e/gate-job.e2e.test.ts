import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { helmBinary, repoPath } from '@sluice/test-utils';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { CLI_SLUICE_IMAGE } from '../commands/gate-settings.js';
import type { CliRun } from './run-cli.js';
import { EXAMPLE_IMAGES, fakeTrivyEnv, runCli, temporaryFolder } from './run-cli.js';

interface Container {
  args: string[];
  env: { name: string; value?: string }[];
}

interface Report {
  verdict: string;
  images: { ref: string; verdict: string; findings: unknown[]; reasons?: string[] }[];
  objects: { id: string; status: string; reasons: string[]; chain?: string[]; images?: string[] }[];
}

/** The files `sluice gate DIR` prints, by path. */
async function generateGate(dir: string, options: string[] = []): Promise<Map<string, string>> {
  const run = await runCli(['gate', dir, ...options]);
  expect(run.code, run.stderr).toBe(0);
  return new Map(
    run.stdout.split(/^---\n(?=# )/m).map((chunk) => {
      const [header = '', ...rest] = chunk.split('\n');
      return [header.replace(/^# /, ''), rest.join('\n')];
    }),
  );
}

/**
 * Runs the gate Job's container locally, as the kubelet would start it: the ConfigMap's files
 * written where the Pod mounts them (under a temporary root), the container's own arguments and
 * environment, the stand-in trivy on PATH. Only the mount points move.
 */
async function runGateContainer(
  scanJobYaml: string,
  env: Record<string, string>,
  pod?: string,
): Promise<{ run: CliRun; terminationMessage: string; args: string[]; configMap: Record<string, string> }> {
  const objects = yaml.loadAll(scanJobYaml) as {
    kind: string;
    data?: Record<string, string>;
    spec?: unknown;
  }[];
  const configMap = objects.find((object) => object.kind === 'ConfigMap')?.data ?? {};
  const job = objects.find((object) => object.kind === 'Job') as {
    spec: { template: { spec: { containers: Container[]; initContainers?: unknown[] } } };
  };
  const [container, ...others] = job.spec.template.spec.containers;
  expect(others).toEqual([]);
  expect(job.spec.template.spec.initContainers).toBeUndefined();
  // The same root for two runs keeps what a volume keeps between Pods (the cache).
  const root = pod ?? (await temporaryFolder('sluice-pod-'));
  const mounts: [string, string][] = [
    ['/etc/sluice', join(root, 'etc/sluice')],
    ['/var/cache/sluice', join(root, 'var/cache/sluice')],
    ['/dev/termination-log', join(root, 'dev/termination-log')],
    ['/tmp', join(root, 'tmp')],
  ];
  for (const folder of ['etc/sluice', 'var/cache/sluice', 'dev', 'tmp'])
    await mkdir(join(root, folder), { recursive: true });
  for (const [name, content] of Object.entries(configMap))
    await writeFile(join(root, 'etc/sluice', name), content);
  const remap = (text: string): string => {
    const mount = mounts.find(([from]) => text === from || text.startsWith(`${from}/`));
    return mount ? mount[1] + text.slice(mount[0].length) : text;
  };
  const args = container!.args.map(remap);
  const podEnv = Object.fromEntries(
    container!.env.flatMap((entry) => (entry.value === undefined ? [] : [[entry.name, remap(entry.value)]])),
  );
  const run = await runCli(args, { env: { ...env, ...podEnv } });
  const terminationMessage = await readFile(join(root, 'dev/termination-log'), 'utf8');
  return { run, terminationMessage, args: container!.args, configMap };
}

/** The gate's verdict and CI's agree: the same exit code, verdict, and status of every object CI knows. */
function expectSameDecision(
  ci: CliRun,
  pod: CliRun,
  options: { gateImage?: string; gateObject?: string } = {},
): { ci: Report; pod: Report } {
  expect(pod.code, pod.stderr).toBe(ci.code);
  const fromCi = JSON.parse(ci.stdout) as Report;
  const fromPod = JSON.parse(pod.stdout) as Report;
  expect(fromPod.verdict).toBe(fromCi.verdict);
  // Every object as CI reports it; the gate's own object lists no image in the pod (its Job's image).
  const withoutGateImage = ({ images, ...object }: Report['objects'][number]) => {
    const kept = (images ?? []).filter((ref) => ref !== options.gateImage);
    return kept.length > 0 ? { ...object, images: kept } : object;
  };
  const podObjects = new Map(fromPod.objects.map((object) => [object.id, withoutGateImage(object)]));
  for (const object of fromCi.objects) {
    // The gate's own object passes in the pod for want of images, in CI on its image's verdict.
    if (object.id === options.gateObject) expect(podObjects.get(object.id)?.status).toBe(object.status);
    else expect(podObjects.get(object.id), object.id).toEqual(withoutGateImage(object));
  }
  // The pod judges every image CI judges, the same way, except the Sluice image its own Job runs.
  const podImages = new Map(fromPod.images.map((image) => [image.ref, image]));
  for (const image of fromCi.images) {
    if (image.ref === options.gateImage) continue;
    expect(podImages.get(image.ref)?.verdict, image.ref).toBe(image.verdict);
    expect(podImages.get(image.ref)?.findings, image.ref).toEqual(image.findings);
  }
  expect(fromPod.images.map((image) => image.ref)).toEqual(
    fromCi.images.map((image) => image.ref).filter((ref) => ref !== options.gateImage),
  );
  return { ci: fromCi, pod: fromPod };
}

describe('the in-cluster gate Job, run locally', () => {
  it('decides on the example repository as sluice scan does in CI', async () => {
    // The docs HelmRelease's chart is committed in the example: rendered with the real helm, offline.
    const helm = ['--helm-path', await helmBinary(3), '--offline'];
    const files = await generateGate('examples/flux-repo', helm);
    // The committed gate is current (the example's own test checks every file).
    expect(files.get('sluice-gate/scan-job.yaml')).toBe(
      await readFile(repoPath('examples/flux-repo/sluice-gate/scan-job.yaml'), 'utf8'),
    );
    const env = await fakeTrivyEnv({ ...EXAMPLE_IMAGES, [CLI_SLUICE_IMAGE]: 'alpine-310.json.golden' });
    const ci = await runCli(['scan', 'examples/flux-repo', '--format', 'json', '--no-cache', ...helm], {
      env,
    });
    const { run, terminationMessage, args } = await runGateContainer(
      files.get('sluice-gate/scan-job.yaml')!,
      env,
    );
    expect(args.slice(0, 5)).toEqual([
      'scan',
      '--images-from',
      '/etc/sluice/images.json',
      '--config',
      '/etc/sluice/policy.json',
    ]);
    const { pod } = expectSameDecision(ci, run, {
      gateImage: CLI_SLUICE_IMAGE,
      gateObject: 'Kustomization/flux-system/sluice-gate',
    });
    expect(pod.verdict).toBe('blocked');
    expect(Object.fromEntries(pod.objects.map((object) => [object.id, object.status]))).toMatchObject({
      'Kustomization/flux-system/apps': 'blocked',
      'Kustomization/flux-system/monitoring': 'blocked-upstream',
      'Kustomization/flux-system/sluice-gate': 'pass',
    });
    // The verdict line is the container's termination message, and the last line of its log.
    expect(terminationMessage).toMatch(/^sluice: blocked: /);
    expect(run.stderr.trim().split('\n').at(-1)).toBe(terminationMessage.trim());
  }, 120_000);

  it('keeps results in the cache volume: the next run scans no unchanged image', async () => {
    const files = await generateGate('examples/flux-repo', ['--cache', 'pvc']);
    const scanJob = files.get('sluice-gate/scan-job.yaml')!;
    expect(scanJob).toContain('kind: PersistentVolumeClaim');
    const env = await fakeTrivyEnv({ ...EXAMPLE_IMAGES, [CLI_SLUICE_IMAGE]: 'alpine-310.json.golden' });
    const pod = await temporaryFolder('sluice-pod-');
    const first = await runGateContainer(scanJob, env, pod);
    const second = await runGateContainer(scanJob, env, pod);
    expect(second.run.code).toBe(first.run.code);
    const sources = (run: CliRun) =>
      (JSON.parse(run.stdout) as { images: { source?: string }[] }).images.map((image) => image.source);
    expect(sources(first.run)).toEqual(['scan', 'scan', 'scan']);
    expect(sources(second.run)).toEqual(['cache', 'cache', 'cache']);
    const scans = (await readFile(env.FAKE_TRIVY_LOG!, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { image?: string; dbDownload?: boolean })
      .filter((entry) => entry.image);
    expect(scans).toHaveLength(3);
    expect(second.terminationMessage).toBe(first.terminationMessage);
  }, 120_000);

  it('scans every image of one home-ops cluster in one container and decides as CI', async () => {
    const dir = 'fixtures/corpora/joryirving-home-ops';
    // Three clusters, one gate each: the main cluster's gate decides as CI on that cluster.
    const cluster = ['--cluster', 'kubernetes/clusters/main'];
    const files = await generateGate(dir, cluster);
    const scanJob = files.get('sluice-gate/scan-job.yaml')!;
    const env = await fakeTrivyEnv({ '*': 'alpine-310.json.golden' });
    const ci = await runCli(['scan', dir, ...cluster, '--format', 'json', '--no-cache', '-j', '4'], { env });
    const { run, configMap, terminationMessage } = await runGateContainer(scanJob, env);
    const { ci: fromCi } = expectSameDecision(ci, run);
    // The ConfigMap lists every image the repository scan found.
    const listed = (JSON.parse(configMap['images.json']!) as { images: { ref: string }[] }).images.map(
      (image) => image.ref,
    );
    expect(listed).toEqual(fromCi.images.map((image) => image.ref));
    expect(listed.length).toBeGreaterThan(100);
    expect(terminationMessage).toMatch(/^sluice: blocked: /);
    // Each image was scanned once, by the one container.
    const log = (await readFile(env.FAKE_TRIVY_LOG!, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { image?: string });
    expect(log.filter((entry) => entry.image).length).toBe(2 * listed.length);
  }, 300_000);
});
