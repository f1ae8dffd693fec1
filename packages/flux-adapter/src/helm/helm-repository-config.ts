import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';

/** Basic-auth credentials of a chart repository. */
export interface RepositoryCredentials {
  readonly username: string;
  readonly password: string;
}

/**
 * The credentials helm itself would use for an HTTP chart repository: the entry of helm's
 * `repositories.yaml` (`$HELM_REPOSITORY_CONFIG`, else `$HELM_CONFIG_HOME/repositories.yaml`,
 * else `$XDG_CONFIG_HOME/helm/repositories.yaml` or `~/.config/helm/repositories.yaml`, as
 * `helm repo add --username` writes it) whose URL prefixes the requested one. Credentials are
 * never read from the scanned repository or the command line.
 */
export async function helmRepositoryCredentials(
  url: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<RepositoryCredentials | undefined> {
  const configHome = env.HELM_CONFIG_HOME ?? join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'helm');
  const file = env.HELM_REPOSITORY_CONFIG ?? join(configHome, 'repositories.yaml');
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  let document: unknown;
  try {
    document = yaml.load(text);
  } catch {
    return undefined;
  }
  const repositories = (document as { repositories?: unknown } | undefined)?.repositories;
  if (!Array.isArray(repositories)) return undefined;
  for (const entry of repositories as Record<string, unknown>[]) {
    if (typeof entry !== 'object' || entry === null || typeof entry.url !== 'string') continue;
    const prefix = entry.url.replace(/\/+$/, '');
    if (url !== prefix && !url.startsWith(`${prefix}/`)) continue;
    if (typeof entry.username === 'string' && typeof entry.password === 'string' && entry.username !== '')
      return { username: entry.username, password: entry.password };
  }
  return undefined;
}
