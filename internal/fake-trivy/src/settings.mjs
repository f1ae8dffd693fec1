// What Trivy reads from its working directory: the config file (`--config`, default `trivy.yaml`)
// and the ignore file (`--ignorefile`, default `.trivyignore`). Real Trivy reads both relative
// to where it runs, so a scanner started inside a checkout takes settings from the repository.
// Sources: pkg/flag/options.go (config file), pkg/result/ignore.go (ParseIgnoreFile).
import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { FlagError, convert } from './flags.mjs';

/**
 * Fills flags that neither the command line nor a `TRIVY_*` variable set from the config file,
 * as Trivy's viper does (flags win over the environment, which wins over the file). The default
 * `trivy.yaml` may be missing; a `--config` file that is missing is an error. Only the subset of
 * YAML Trivy's own examples use is read: `name: value` and one level of sections
 * (`vulnerability:\n  ignore-unfixed: true`), with flow lists (`[a, b]`).
 */
export function applyConfigFile(values, specs, env) {
  const explicit = values.config ?? (env.TRIVY_CONFIG || undefined);
  const path = explicit ?? 'trivy.yaml';
  if (!existsSync(path)) {
    if (explicit !== undefined)
      throw new FlagError(`config file "${path}" loading error: open ${path}: no such file or directory`);
    return { values, configFile: undefined };
  }
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const match = /^\s*([a-z0-9-]+):\s*(.*?)\s*(?:#.*)?$/.exec(line);
    if (!match || match[2] === '') continue;
    const spec = byName.get(match[1]);
    if (!spec || values[spec.name] !== undefined) continue;
    const raw = match[2]
      .replace(/^\[(.*)\]$/, '$1')
      .split(',')
      .map((item) => item.trim().replace(/^["']|["']$/g, ''))
      .join(',');
    values[spec.name] = convert(spec, raw, `--${spec.name}`);
  }
  return { values, configFile: path };
}

/**
 * The vulnerability IDs to ignore from `--ignorefile` (default `.trivyignore` in the working
 * directory; missing is fine): `.trivyignore` lines `ID [exp:YYYY-MM-DD]`, or a YAML file's
 * `vulnerabilities:` entries `- id: ID` (with `expired_at:`). Expired entries are dropped.
 */
export function readIgnoredIds(values, now = Date.now()) {
  const path = values.ignorefile ?? '.trivyignore';
  if (!existsSync(path)) return { ids: new Set(), ignoreFile: undefined };
  const text = readFileSync(path, 'utf8');
  const ids = new Set();
  const add = (id, expires) => {
    if (!id) return;
    if (expires && !(Date.parse(`${expires}T00:00:00Z`) > now)) return;
    ids.add(id);
  };
  if (['.yaml', '.yml'].includes(extname(path))) {
    let section = '';
    let current;
    for (const line of text.split(/\r?\n/)) {
      const top = /^([a-z_]+):/.exec(line);
      if (top) section = top[1];
      if (section !== 'vulnerabilities') continue;
      const id = /^\s*-\s*id:\s*["']?([^"'\s#]+)/.exec(line);
      if (id) {
        if (current) add(current.id, current.expires);
        current = { id: id[1] };
      }
      const expires = /^\s+expired_at:\s*["']?(\d{4}-\d{2}-\d{2})/.exec(line);
      if (expires && current) current.expires = expires[1];
    }
    if (current) add(current.id, current.expires);
  } else {
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const fields = line.split(/\s+/);
      const exp = fields.slice(1).find((field) => field.startsWith('exp:'));
      add(fields[0], exp?.slice(4));
    }
  }
  return { ids, ignoreFile: path };
}
