import type { PatchSelector } from '../schemas/common.js';
import { groupVersionOf, kindOf, metaMap, metaString, ownValue, type YamlMap } from './resource.js';

/**
 * True when an object matches a kustomize patch target: `group`, `version`, `kind`, `name` and
 * `namespace` are anchored regular expressions, `labelSelector`/`annotationSelector` are
 * Kubernetes label selectors.
 */
export function matchesSelector(object: YamlMap, selector: PatchSelector): boolean {
  // Every condition must hold, so they are checked in any order: the kind first (it tells most
  // objects apart), and each field of the object only when the selector names it (a patch's
  // target is tested against every object of the build).
  if (isSet(selector.kind) && !matchesField(selector.kind, kindOf(object))) return false;
  if (isSet(selector.name) && !matchesField(selector.name, metaString(object, 'name') ?? '')) return false;
  if (isSet(selector.group) || isSet(selector.version)) {
    const { group, version } = groupVersionOf(object);
    if (!matchesField(selector.group, group)) return false;
    if (!matchesField(selector.version, version)) return false;
  }
  if (isSet(selector.namespace) && !matchesField(selector.namespace, metaString(object, 'namespace') ?? ''))
    return false;
  if (selector.labelSelector && !matchesLabelSelector(metaMap(object, 'labels'), selector.labelSelector))
    return false;
  if (
    selector.annotationSelector &&
    !matchesLabelSelector(metaMap(object, 'annotations'), selector.annotationSelector)
  ) {
    return false;
  }
  return true;
}

/** Whether a selector field takes part in the match (`matchesField` passes an absent or empty one). */
function isSet(pattern: string | undefined): pattern is string {
  return pattern !== undefined && pattern !== '';
}

const patternCache = new Map<string, RegExp | undefined>();

function matchesField(pattern: string | undefined, value: string): boolean {
  if (pattern === undefined || pattern === '') return true;
  let regex = patternCache.get(pattern);
  if (!patternCache.has(pattern)) {
    try {
      regex = new RegExp(`^(?:${pattern})$`);
    } catch {
      regex = undefined;
    }
    patternCache.set(pattern, regex);
  }
  return regex ? regex.test(value) : pattern === value;
}

/** Evaluates a Kubernetes label selector (`a=b,c!=d,e in (f,g),h notin (i),j,!k`). */
export function matchesLabelSelector(labels: Readonly<Record<string, string>>, selector: string): boolean {
  for (const requirement of splitRequirements(selector)) {
    const text = requirement.trim();
    if (text === '') continue;
    let match = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(text);
    if (match) {
      const values = (match[3] ?? '').split(',').map((value) => value.trim());
      const key = match[1] ?? '';
      const value = ownValue(labels, key);
      const has = typeof value === 'string' && values.includes(value);
      if (match[2] === 'in' ? !has : has) return false;
      continue;
    }
    match = /^([^\s!=]+)\s*(==|=|!=)\s*(.*)$/.exec(text);
    if (match) {
      const key = match[1] ?? '';
      const equal = ownValue(labels, key) === (match[3] ?? '').trim();
      if (match[2] === '!=' ? equal : !equal) return false;
      continue;
    }
    if (text.startsWith('!')) {
      if (Object.hasOwn(labels, text.slice(1).trim())) return false;
    } else if (!Object.hasOwn(labels, text)) {
      return false;
    }
  }
  return true;
}

function splitRequirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of selector) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}
