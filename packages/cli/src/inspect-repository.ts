import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Diagnostic, ImageEntry, ReadTextResult } from '@sluice/core';
import type { ManifestFiles } from '@sluice/core/files';
import { readManifestFile, walkManifestFiles } from '@sluice/core/files';
import type { FluxRepository, FluxWorkload } from '@sluice/flux-adapter';
import type { SluiceConfig } from './config.js';
import { CliError } from './exit-codes.js';
import type { CommandLine } from './options.js';
import { listOption, stringOption } from './options.js';
import type { CliContext } from './io.js';
import { resolveHelmOptions } from './helm-settings.js';
import { resolveRemoteBaseOptions } from './remote-settings.js';

/** What a repository deploys: in Flux mode per Kustomization and HelmRelease, else from plain manifests. */
export interface RepositoryInventory {
  /** `flux` when the folder holds Flux Kustomizations or HelmReleases. */
  readonly mode: 'flux' | 'plain';
  readonly root: string;
  readonly images: readonly ImageEntry[];
  readonly workloads: readonly FluxWorkload[];
  readonly diagnostics: readonly Diagnostic[];
  /** What the Flux adapter found, in Flux mode. */
  readonly flux?: FluxRepository;
  /** The HelmRelease charts the run needed, in Flux mode with rendering on. */
  readonly charts?: ChartCounts;
}

/** How the charts a run needed were found: downloaded, or in the chart cache. */
export interface ChartCounts {
  readonly downloaded: number;
  readonly cached: number;
}

/**
 * Reads the command's folder as Flux would when it holds Flux objects (Flux mode), else as plain
 * manifests, and returns every image with its locations. `--source` and `--ignore` add to the
 * config file's `sources` and `ignore`. HelmRelease charts are rendered with helm unless
 * `--no-render` (see {@link resolveHelmOptions}).
 */
export async function inspectRepository(
  commandLine: CommandLine,
  config: SluiceConfig,
  context: CliContext,
): Promise<RepositoryInventory> {
  const { dir, values } = commandLine;
  const options = {
    sources: await resolveSourceMappings(listOption(values, 'source'), config.sources, context.cwd),
    ignore: [...(config.ignore ?? []), ...listOption(values, 'ignore')],
  };
  const root = resolve(context.cwd, dir);
  const info = await stat(root).catch(() => undefined);
  if (!info) throw new CliError(`${describeFolder(dir, root)}: no such folder`);
  if (!info.isDirectory()) throw new CliError(`${describeFolder(dir, root)}: not a folder`);
  const helm = await resolveHelmOptions(values, config, context, commandLine.command);
  const remoteBases = await resolveRemoteBaseOptions(values, config, context, commandLine.command);
  const cluster = stringOption(values, 'cluster');
  const signal = context.signal ? { signal: context.signal } : {};
  // The files are walked and read once: their texts tell a Flux repository from plain
  // manifests, and plain manifests are parsed from them.
  const walked = await walkManifestFiles(root, { ignore: options.ignore, ...signal });
  const { reads, mayHoldFlux } = readUntilFluxMention(walked, context.signal);
  if (mayHoldFlux) {
    // A file may hold a Flux Kustomization or HelmRelease: the Flux adapter decides, reading the
    // folder as source-controller archives it (it is loaded only now: plain runs never need it).
    const { hasFluxWorkloads, loadFluxRepository } = await import('@sluice/flux-adapter');
    if (await hasFluxWorkloads(root, { ignore: options.ignore, ...signal })) {
      const charts = { downloaded: 0, cached: 0 };
      const flux = await loadFluxRepository(root, {
        onEvent: (event) => {
          if (event.type === 'chart') charts[event.from === 'network' ? 'downloaded' : 'cached'] += 1;
        },
        sources: options.sources,
        ignore: options.ignore,
        ...(helm ? { helm } : {}),
        ...(remoteBases ? { remoteBases } : {}),
        ...(cluster === undefined ? {} : { cluster }),
        ...signal,
      });
      if (flux.workloads.length > 0) {
        return {
          mode: 'flux',
          root,
          images: flux.images,
          workloads: flux.workloads,
          diagnostics: flux.diagnostics,
          flux,
          ...(helm ? { charts } : {}),
        };
      }
    }
  }
  // No file: nothing to parse, and the parser is not even loaded.
  if (walked.files.length === 0) throw nothingFound(dir, root, 0, walked.diagnostics);
  for (const file of walked.files.slice(reads.length)) {
    context.signal?.throwIfAborted();
    reads.push(readManifestFile(file));
  }
  // Without the schemas and the rest of the SDK: a plain run never needs them.
  const { collectUniqueImages, compareDiagnostics, extractImages, streamManifestFiles } =
    await import('@sluice/core/extract');
  // Parsed file by file as the extraction goes: only the image references outlive their file.
  const loaded = streamManifestFiles(walked, reads, signal);
  const extracted = extractImages(loaded.documents);
  if (extracted.references.length === 0 && extracted.diagnostics.length === 0) {
    throw nothingFound(dir, root, loaded.files.length, loaded.diagnostics);
  }
  return {
    mode: 'plain',
    root,
    images: collectUniqueImages(extracted.references),
    workloads: [],
    diagnostics: [...loaded.diagnostics, ...extracted.diagnostics].sort(compareDiagnostics),
  };
}

// A Flux Kustomization's or HelmRelease's apiVersion names its API group: a text naming neither
// holds none (the Flux adapter's `hasFluxWorkloads` parses only files whose text names one).
const FLUX_WORKLOAD_API = /(kustomize|helm)\.toolkit\.fluxcd\.io\//;

// A plain search first: the pattern over every text of a large plain repository cost ~15 ms
// per thousand files, the search a fiftieth of it.
function mentionsFluxWorkloadApi(text: string): boolean {
  return text.includes('.toolkit.fluxcd.io/') && FLUX_WORKLOAD_API.test(text);
}

/**
 * Reads the walked files in order until one may hold a Flux workload: its text names a Flux
 * workload API group, or it could not be read; or the walk passed something over (the Flux
 * adapter reads the folder as source-controller archives it, which may differ there). Every
 * file is read when none may.
 */
function readUntilFluxMention(
  walked: ManifestFiles,
  signal: AbortSignal | undefined,
): { reads: ReadTextResult[]; mayHoldFlux: boolean } {
  const reads: ReadTextResult[] = [];
  if (walked.diagnostics.length > 0) return { reads, mayHoldFlux: true };
  for (const file of walked.files) {
    signal?.throwIfAborted();
    const read = readManifestFile(file);
    reads.push(read);
    if (!read.ok || mentionsFluxWorkloadApi(read.text)) return { reads, mayHoldFlux: true };
  }
  return { reads, mayHoldFlux: false };
}

/**
 * The source mappings of a run: the config file's `sources` (folders inside the repository,
 * relative to its root: the repository's own configuration never reaches outside it), then every
 * `--source KIND/NAMESPACE/NAME=PATH` (which wins; PATH relative to the working directory or
 * absolute, anywhere: the person running Sluice chose it), validated by the Flux adapter.
 */
async function resolveSourceMappings(
  values: readonly string[],
  fromConfig: Readonly<Record<string, string>> = {},
  cwd: string,
): Promise<Record<string, string>> {
  if (values.length === 0 && Object.keys(fromConfig).length === 0) return {};
  // The Flux adapter is loaded only when there is a mapping to check.
  const { parseSourceMappings } = await import('@sluice/flux-adapter');
  return {
    ...parseSourceMappings(Object.entries(fromConfig).map(([id, path]) => `${id}=${path}`)),
    ...parseSourceMappings(values, { cwd }),
  };
}

/** The folder as the user wrote it, with the absolute path when that says more. */
function describeFolder(dir: string, absolute: string): string {
  return dir === absolute ? dir : `${dir} (${absolute})`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * Nothing to gate is an input error, not a pass: a mistyped CI path must not go green. Counts
 * the files read and the errors among `diagnostics` (files that could not be read or parsed).
 */
function nothingFound(
  dir: string,
  root: string,
  filesRead: number,
  diagnostics: readonly Diagnostic[],
): CliError {
  const unread = diagnostics.filter((diagnostic) => diagnostic.severity === 'error').length;
  return new CliError(
    `${describeFolder(dir, root)}: no Flux Kustomization or HelmRelease and no workload found ` +
      `(${plural(filesRead, 'YAML file')} read` +
      `${unread > 0 ? `, ${plural(unread, 'error')}: run sluice images to see them` : ''}); ` +
      'expected a Flux repository or a folder of Kubernetes manifests',
  );
}
