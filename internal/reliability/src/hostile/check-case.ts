import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '@sluice/core';
import { extractImages, loadManifests } from '@sluice/core';
import { loadFluxRepository } from '@sluice/flux-adapter';
import type { FluxRepository } from '@sluice/flux-adapter';
import { deployment, REPO_ROOT } from '@sluice/test-utils';
import { createTempRepo, GOOD_IMAGE } from '../support/temp-repo.js';
import type { TempRepo } from '../support/temp-repo.js';
import type { ExpectedDiagnostic, HostileCase } from './cases.js';

/** Where a found image is written. */
export interface FoundImage {
  readonly ref: string;
  readonly file: string;
  readonly line: number;
}

/** What one path through Sluice made of a hostile repository. */
export interface CaseResult {
  readonly images: readonly FoundImage[];
  readonly diagnostics: readonly Diagnostic[];
  /** Kubernetes objects read (the manifests path only). */
  readonly documents?: number;
}

/** A repository for a case: the case's files, a good Deployment in `apps/`, and Flux objects syncing `apps/`. */
export async function createCaseRepo(hostile: HostileCase): Promise<TempRepo> {
  const repo = await createTempRepo({
    'clusters/dev/sync.yaml': FLUX_SYNC,
    'apps/good.yaml': deployment(),
    ...hostile.files,
  });
  await hostile.setup?.(repo.root);
  return repo;
}

const FLUX_SYNC = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 10m
  path: ./clusters/dev
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`;

/** Runs the plain-manifest SDK path: loadManifests then extractImages. */
export async function runManifests(root: string): Promise<CaseResult> {
  const loaded = await loadManifests(root);
  const extracted = extractImages(loaded.documents);
  return {
    images: extracted.references.map((reference) => ({
      ref: reference.ref.normalized,
      file: reference.file,
      line: reference.line,
    })),
    diagnostics: [...loaded.diagnostics, ...extracted.diagnostics],
    documents: loaded.stats.documents,
  };
}

/** Runs the Flux SDK path: loadFluxRepository. */
export async function runFlux(root: string): Promise<CaseResult> {
  const repository = await loadFluxRepository(root);
  return {
    images: repository.images.flatMap((image) =>
      image.locations.map((location) => ({ ref: image.ref, file: location.file, line: location.line })),
    ),
    diagnostics: repository.diagnostics,
  };
}

/** The diagnostics matching an expectation (file, one of the codes, the line when given). */
export function matchingDiagnostics(
  diagnostics: readonly Diagnostic[],
  expected: ExpectedDiagnostic,
): Diagnostic[] {
  const codes = typeof expected.code === 'string' ? [expected.code] : expected.code;
  return diagnostics.filter(
    (diagnostic) =>
      diagnostic.file === expected.file &&
      codes.includes(diagnostic.code) &&
      (expected.line === undefined || diagnostic.line === expected.line),
  );
}

/** The good Deployment's image where it is written. */
export const GOOD_LOCATION: FoundImage = { ref: GOOD_IMAGE, file: 'apps/good.yaml', line: 15 };

/**
 * Runs an SDK path in a child process (`flux-child.ts`) with 1 GB of heap, killed after
 * `timeoutMs`: a run that blocks its thread or exhausts memory still ends the test. Rejects when the child is killed or fails.
 */
export function runIsolated(
  mode: 'flux' | 'manifests',
  root: string,
  timeoutMs: number,
): Promise<CaseResult> {
  return runChild<CaseResult>(mode, root, timeoutMs);
}

/** Runs loadFluxRepository in a child process, like {@link runIsolated}. */
export function runIsolatedRepository(root: string, timeoutMs: number): Promise<FluxRepository> {
  return runChild<FluxRepository>('repository', root, timeoutMs);
}

function runChild<T>(mode: string, root: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--max-old-space-size=1024',
        '--import',
        'tsx',
        '--conditions=source',
        fileURLToPath(new URL('./flux-child.ts', import.meta.url)),
        mode,
        root,
      ],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(stdout) as T);
      else
        reject(new Error(`${mode} did not finish (exit ${code}, signal ${signal}): ${stderr.slice(0, 500)}`));
    });
  });
}
