import type { Diagnostic } from '@sluice/core';
import type { BuildContext } from '../kustomize/build.js';
import type { ValueOrigin } from '../kustomize/provenance.js';
import type { RepoFiles } from '../source/repo-files.js';
import { parseRemoteSpec, redactUrlCredentials } from './remote-spec.js';

/** A remote entry ready to build: the context of its checkout and the folder inside it. */
export interface RemoteEntry {
  readonly context: BuildContext;
  readonly path: string;
  /** The checkout's files: their diagnostics (unreadable files, links out) belong to the build. */
  readonly files: RepoFiles;
}

/**
 * Resolves a remote `resources:`/`components:` entry: parsed as kustomize v5 does, then fetched
 * (or read from the cache) by the build's {@link BuildContext.remoteBases}. Returns the context
 * to build it in, or reports why it is unknown (`remote-resource`, at the entry) and returns
 * undefined. A fetched base is noted (`remote-base-fetched`: the URL, ref, commit and mirror).
 */
export async function resolveRemoteEntry(
  entry: string,
  kind: 'resource' | 'component',
  context: BuildContext,
  origin: ValueOrigin | undefined,
  fallbackFile: string,
): Promise<RemoteEntry | undefined> {
  const at = {
    file: origin?.file ?? fallbackFile,
    line: origin?.line ?? 1,
    ...(origin ? { column: origin.column } : {}),
  };
  const unknown = (why: string): undefined => {
    context.diagnostics.push({
      ...at,
      severity: 'error',
      code: 'remote-resource',
      message: `Remote ${kind} ${redactUrlCredentials(entry)} is not built: ${why}; Flux fetches and deploys it, so what it deploys is unknown`,
    } satisfies Diagnostic);
    return undefined;
  };
  const remote = context.remoteBases;
  if (!remote || remote.mode === 'unknown')
    return unknown('remote bases are not fetched (offline build; --remote-bases fetch allows it)');
  const spec = parseRemoteSpec(entry);
  if ('error' in spec) return unknown(`Sluice refuses to fetch it: ${spec.error}`);
  // kustomize reads such an entry as a file when cloning fails, and downloads it over HTTP.
  if (/^https?:\/\//i.test(spec.cloneUrl) && /\.(ya?ml|json)$/i.test(spec.path))
    return unknown(
      'it names a file, which kustomize downloads over HTTP; Sluice never downloads remote files',
    );
  const depth = (context.remoteDepth ?? 0) + 1;
  if (depth > remote.maxDepth) return unknown(`remote bases are nested more than ${remote.maxDepth} deep`);
  const resolved = await remote.resolve(spec, context.signal);
  if ('reason' in resolved) return unknown(resolved.reason);
  context.diagnostics.push({
    ...at,
    severity: 'info',
    code: 'remote-base-fetched',
    message: `Remote ${kind} ${redactUrlCredentials(entry)}: ${resolved.cached ? 'read from the cache' : 'fetched'}, commit ${resolved.commit}${resolved.mirror ? ` (through the mirror ${resolved.mirror})` : ''}; its files are shown as ${resolved.label}/<path>`,
  });
  return {
    context: { ...context, tree: resolved.tree, remoteDepth: depth },
    path: resolved.path,
    files: resolved.tree.checkout,
  };
}
