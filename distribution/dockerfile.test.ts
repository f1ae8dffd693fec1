// The Dockerfile cannot be built here (no docker daemon, no network to the registries), so this
// checks what decides whether the image is right: dockerfile-utils' validator (the linter of the
// Docker language server; hadolint is not installable here), and the rules that matter for an
// image that runs as the in-cluster gate: pinned bases, checked downloads, non-root with the
// gate's uid, a read-only root filesystem, and an entry point that is the packed CLI's bin.
import { readFile } from 'node:fs/promises';
import { repoPath } from '@sluice/test-utils';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';

const text = await readFile(repoPath('Dockerfile'), 'utf8');
const dockerfile = DockerfileParser.parse(text);
const instructions = dockerfile.getInstructions();
const rootPackage = JSON.parse(await readFile(repoPath('package.json'), 'utf8')) as {
  packageManager: string;
};
const cliPackage = JSON.parse(await readFile(repoPath('packages/cli/package.json'), 'utf8')) as {
  version: string;
  bin: { sluice: string };
};

/** The ARG defaults declared before the first FROM: what `${NAME}` in a FROM line means. */
function globalArgs(): Map<string, string> {
  const args = new Map<string, string>();
  for (const instruction of instructions) {
    if (instruction.getKeyword() === 'FROM') break;
    const [name = '', value = ''] = (instruction.getArgumentsContent() ?? '').split(/=(.*)/s);
    if (instruction.getKeyword() === 'ARG') args.set(name, value);
  }
  return args;
}

/** The instructions of each stage, by stage name (the last one is 'final'). */
function stages(): Map<string, Instruction[]> {
  const result = new Map<string, Instruction[]>();
  let current: Instruction[] | undefined;
  const froms = dockerfile.getFROMs();
  for (const instruction of instructions) {
    if (instruction.getKeyword() === 'FROM') {
      const from = froms.find(
        (candidate) => candidate.getRange().start.line === instruction.getRange().start.line,
      );
      const name = from === froms.at(-1) ? 'final' : (from?.getBuildStage() ?? `stage-${result.size}`);
      current = [];
      result.set(name, current);
    } else {
      current?.push(instruction);
    }
  }
  return result;
}

const finalStage = stages().get('final') ?? [];
const lastOf = (keyword: string): Instruction | undefined =>
  finalStage.filter((instruction) => instruction.getKeyword() === keyword).at(-1);

describe('the Dockerfile', () => {
  it("passes the Docker language server's validator without a warning", () => {
    const problems = validate(text).map(
      (diagnostic) => `${diagnostic.range.start.line + 1}: ${diagnostic.message}`,
    );
    expect(problems).toEqual([]);
  });

  it('pins every base image by digest, to a build stage or a registry image with a version tag', () => {
    const args = globalArgs();
    const stageNames = new Set(dockerfile.getFROMs().map((from) => from.getBuildStage()));
    const images = dockerfile
      .getFROMs()
      .map((from) =>
        (from.getImageName() ?? '').replace(
          /\$\{(\w+)\}/g,
          (_, name: string) => args.get(name) ?? `<${name} unset>`,
        ),
      );
    expect(images).toHaveLength(3);
    for (const image of images) {
      if (stageNames.has(image)) continue;
      expect(image).toMatch(/^[a-z0-9.-]+\/[\w./-]+:[\w.-]+@sha256:[0-9a-f]{64}$/);
      expect(image).not.toMatch(/:latest@/);
    }
  });

  it('downloads nothing itself: trivy and helm come from install-tools.mjs with the pinned checksums', () => {
    expect(instructions.filter((instruction) => instruction.getKeyword() === 'ADD')).toEqual([]);
    const runs = instructions.filter((instruction) => instruction.getKeyword() === 'RUN');
    for (const run of runs) expect(run.getTextContent()).not.toMatch(/\b(curl|wget)\b/);
    const tools = stages().get('tools') ?? [];
    expect(tools.map((instruction) => instruction.getTextContent()).join('\n')).toMatch(
      /COPY distribution\/tools\.json distribution\/install-tools\.mjs \/tools\/\nRUN node \/tools\/install-tools\.mjs --dest \/out/,
    );
  });

  it('builds the CLI with the pnpm the repository pins, packed as it is published', () => {
    const build = (stages().get('build') ?? []).map((instruction) => instruction.getTextContent()).join('\n');
    const pnpm = rootPackage.packageManager;
    expect(build.match(/pnpm@[\d.]+/g)?.every((spec) => spec === pnpm)).toBe(true);
    expect(build).toContain('install --frozen-lockfile');
    expect(build).toContain('pack --pack-destination /tarballs');
    expect(build).toContain('--omit=dev');
  });

  it('runs no shell in the final stage, copies from the build stages only, and copies nothing writable', () => {
    expect(finalStage.map((instruction) => instruction.getKeyword())).not.toContain('RUN');
    expect(finalStage.map((instruction) => instruction.getKeyword())).not.toContain('VOLUME');
    for (const copy of finalStage.filter((instruction) => instruction.getKeyword() === 'COPY')) {
      expect(copy.getTextContent()).not.toContain('--chown');
      expect(copy.getTextContent()).not.toContain('--chmod');
    }
  });

  it("runs as the non-root uid and gid the in-cluster gate's Job sets", async () => {
    const job = yaml
      .loadAll(await readFile(repoPath('examples/flux-repo/sluice-gate/scan-job.yaml'), 'utf8'))
      .find((document) => (document as { kind?: string }).kind === 'Job') as {
      spec: { template: { spec: { securityContext: { runAsUser: number; runAsGroup: number } } } };
    };
    const { runAsUser, runAsGroup } = job.spec.template.spec.securityContext;
    expect(runAsUser).toBeGreaterThan(0);
    expect(lastOf('USER')?.getArgumentsContent()).toBe(`${runAsUser}:${runAsGroup}`);
  });

  it('writes below /tmp only (HOME, TMPDIR and the XDG folders trivy and helm use)', () => {
    const env = new Map(
      finalStage
        .filter((instruction) => instruction.getKeyword() === 'ENV')
        .flatMap((instruction) => (instruction.getArgumentsContent() ?? '').split(/\s+/))
        .map((pair) => pair.split('=') as [string, string]),
    );
    for (const name of ['HOME', 'TMPDIR', 'XDG_CACHE_HOME', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME']) {
      expect(env.get(name), name).toMatch(/^\/tmp(\/|$)/);
    }
  });

  it("starts the packed CLI's bin with distroless node, in exec form, labelled with its version", () => {
    const entrypoint = JSON.parse(lastOf('ENTRYPOINT')?.getArgumentsContent() ?? 'null') as string[];
    expect(entrypoint).toEqual([
      '/nodejs/bin/node',
      `/opt/sluice/node_modules/@sluice/cli/${cliPackage.bin.sluice.replace(/^\.\//, '')}`,
    ]);
    const labels = lastOf('LABEL')?.getArgumentsContent() ?? '';
    expect(labels).toContain(`org.opencontainers.image.version="${cliPackage.version}"`);
    expect(labels).toContain('org.opencontainers.image.licenses="Apache-2.0"');
  });

  it('keeps the build context to the sources (.dockerignore)', async () => {
    const ignored = (await readFile(repoPath('.dockerignore'), 'utf8')).split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.git']));
  });
});
