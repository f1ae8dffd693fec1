/**
 * Gitignore-style rules as Flux's source-controller applies them when it builds an artifact:
 * the default exclusions, every `.sourceignore` file (each relative to its own folder) and the
 * source's `spec.ignore` (which replaces the defaults).
 */
import { FLUX_DEFAULT_EXCLUDES } from '@sluice/core';

/** The exclusions source-controller applies when a GitRepository has no `spec.ignore` (core's list). */
export const DEFAULT_SOURCE_IGNORE: readonly string[] = FLUX_DEFAULT_EXCLUDES;

interface IgnoreRule {
  /** Folder the rule is relative to ('' for the root). */
  readonly base: string;
  readonly negate: boolean;
  readonly directoryOnly: boolean;
  readonly pattern: RegExp;
}

/** An ordered set of gitignore rules; the last matching rule decides. */
export class IgnoreRules {
  readonly #rules: IgnoreRule[] = [];

  /**
   * Adds the lines of one ignore file (or a `spec.ignore` text) whose patterns are relative to
   * `base` (a folder relative to the source root, '' for the root).
   */
  add(text: string, base = ''): this {
    for (const rawLine of text.split(/\r?\n/)) {
      const rule = compileRule(rawLine, base);
      if (rule) this.#rules.push(rule);
    }
    return this;
  }

  /** Adds several patterns relative to the root. */
  addPatterns(patterns: readonly string[]): this {
    return this.add(patterns.join('\n'));
  }

  /**
   * True when `path` (relative to the source root, forward slashes) is excluded by the rules.
   * Only the entry itself is checked: callers walk folders top-down and stop at excluded ones.
   */
  ignores(path: string, isDirectory: boolean): boolean {
    let ignored = false;
    for (const rule of this.#rules) {
      if (rule.directoryOnly && !isDirectory) continue;
      if (rule.base !== '' && !path.startsWith(`${rule.base}/`)) continue;
      const relative = rule.base === '' ? path : path.slice(rule.base.length + 1);
      if (rule.pattern.test(relative)) ignored = !rule.negate;
    }
    return ignored;
  }

  /** True when `path` or any folder above it is excluded. */
  ignoresPath(path: string, isDirectory: boolean): boolean {
    const parts = path.split('/');
    for (let index = 1; index < parts.length; index += 1) {
      if (this.ignores(parts.slice(0, index).join('/'), true)) return true;
    }
    return this.ignores(path, isDirectory);
  }
}

function compileRule(rawLine: string, base: string): IgnoreRule | undefined {
  let line = rawLine.replace(/(?<!\\)\s+$/, '');
  if (line === '' || line.startsWith('#')) return undefined;
  let negate = false;
  if (line.startsWith('!')) {
    negate = true;
    line = line.slice(1);
  } else if (line.startsWith('\\!') || line.startsWith('\\#')) {
    line = line.slice(1);
  }
  let directoryOnly = false;
  if (line.endsWith('/')) {
    directoryOnly = true;
    line = line.slice(0, -1);
  }
  if (line === '') return undefined;
  // A pattern with a slash (other than a trailing one) is anchored to its base folder.
  const anchored = line.includes('/');
  if (line.startsWith('/')) line = line.slice(1);
  const body = globToRegExp(line);
  const pattern = new RegExp(anchored ? `^${body}$` : `^(?:.*/)?${body}$`);
  return { base, negate, directoryOnly, pattern };
}

function globToRegExp(glob: string): string {
  let out = '';
  for (let index = 0; index < glob.length; index += 1) {
    const char = glob[index] ?? '';
    if (char === '*') {
      if (glob[index + 1] === '*') {
        const atStart = index === 0 || glob[index - 1] === '/';
        const next = glob[index + 2];
        if (atStart && next === '/') {
          out += '(?:.*/)?';
          index += 2;
          continue;
        }
        if (atStart && next === undefined) {
          out += '.*';
          index += 1;
          continue;
        }
        out += '[^/]*';
        index += 1;
        continue;
      }
      out += '[^/]*';
    } else if (char === '?') {
      out += '[^/]';
    } else if (char === '[') {
      const end = glob.indexOf(']', index + 1);
      if (end === -1) {
        out += '\\[';
      } else {
        const inner = glob
          .slice(index + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        out += `[${inner}]`;
        index = end;
      }
    } else if (char === '\\' && index + 1 < glob.length) {
      index += 1;
      out += escapeRegExp(glob[index] ?? '');
    } else {
      out += escapeRegExp(char);
    }
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
