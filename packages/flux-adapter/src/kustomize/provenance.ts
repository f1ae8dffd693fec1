import type { SourcePosition } from '@sluice/core';
import { setOwnValue } from './resource.js';

/** Where a value of a rendered object was written. */
export interface ValueOrigin {
  /** Repository-relative file. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The text written there, when it differs from the final value (an overlay's `newTag`, a variable). */
  readonly raw?: string;
  /** 0-based YAML document index inside the file, when known. */
  readonly documentIndex?: number;
}

/** How a scalar is written: a literal block (`|`), a folded block (`>`), or plain or quoted. */
export type ScalarStyle = 'literal' | 'folded' | 'flow';

/** Something that knows the position of `container[key]` in one parsed text. */
export interface PositionSource {
  positionOf(container: object, key: string | number): SourcePosition | undefined;
  /** How the scalar `container[key]` is written (`|`, `>`, or plain/quoted), when known. */
  scalarStyleOf?(container: object, key: string | number): ScalarStyle | undefined;
}

/** How positions of one parsed text map to a repository file. */
export interface TextLocator {
  readonly file: string;
  readonly positions: PositionSource;
  /** Added to every line (for YAML embedded in a block scalar of another file). @default 0 */
  readonly lineOffset?: number;
  /** Added to every column. @default 0 */
  readonly columnOffset?: number;
  readonly documentIndex?: number;
}

/** Answers where `container[key]` was written, for values rebuilt from a text (substitution). */
export type OriginResolver = (container: object, key: string | number) => ValueOrigin | undefined;

/**
 * Mappings and lists one {@link Provenance.clone} may make, and how deeply they may nest. An
 * alias bomb (aliases of aliases, each level doubling the expanded size) or an alias inside the
 * value it names (a cycle, which go-yaml refuses) passes one of them.
 */
export const CLONE_LIMITS = { maxContainers: 200_000, maxDepth: 2000 } as const;

/**
 * {@link Provenance.clone} met a value whose YAML aliases cannot be expanded: a cycle, or more
 * than {@link CLONE_LIMITS} allow. kustomize expands every alias when it reads a resource, so
 * what such a build deploys is not reproduced (go-yaml refuses a cycle; a bomb exhausts memory).
 */
export class AliasExpansionError extends Error {
  readonly code = 'alias-expansion';
  override readonly name = 'AliasExpansionError';
}

/** True for an {@link AliasExpansionError}. */
export function isAliasExpansionError(error: unknown): error is AliasExpansionError {
  return error instanceof AliasExpansionError;
}

/**
 * Remembers, for every mapping and sequence of every object the renderer handles, which text it
 * was read from, and which values were overwritten by something written elsewhere (an `images:`
 * entry, a patch, a substituted variable). Clones made with {@link Provenance.clone} answer like
 * their originals, so positions survive kustomize's copy-and-transform pipeline.
 */
export class Provenance {
  // Copies are many (copy-on-write copies each container a build writes, clones copy values
  // into targets), so a copy records one entry, its owner, instead of copying the locator, the
  // positions and the resolver: fewer WeakMap entries (the garbage collector walks them all) and
  // less work. The owner is the nearest original that has a locator or a resolver of its own.
  readonly #owners = new WeakMap<object, object>();
  readonly #locators = new WeakMap<object, TextLocator>();
  readonly #overrides = new WeakMap<object, Map<string | number, ValueOrigin>>();
  // The scalar style of a value copied with its origin (merged Helm values keep their `|`).
  readonly #overrideStyles = new WeakMap<object, Map<string | number, ScalarStyle>>();
  readonly #resolvers = new WeakMap<object, OriginResolver>();

  /** Records that every container of `value` was read through `locator`. */
  register(value: unknown, locator: TextLocator): void {
    // Iterative: a repository decides how deep its YAML nests.
    const stack: unknown[] = [value];
    while (stack.length > 0) {
      const item = stack.pop();
      if (typeof item !== 'object' || item === null || this.locatorOf(item)) continue;
      this.#locators.set(item, locator);
      pushChildren(item, stack);
    }
  }

  /**
   * Records that the origins of every container of `value` are answered by `resolver` (an
   * object parsed again from a substituted text: its positions lead back through the text).
   * Iterative, each container once.
   */
  registerResolver(value: unknown, resolver: OriginResolver): void {
    const stack: unknown[] = [value];
    while (stack.length > 0) {
      const item = stack.pop();
      if (typeof item !== 'object' || item === null || this.#resolverOf(item)) continue;
      this.#resolvers.set(item, resolver);
      pushChildren(item, stack);
    }
  }

  /** The text a container was read from, if known. */
  locatorOf(container: object): TextLocator | undefined {
    const own = this.#locators.get(container);
    if (own) return own;
    const owner = this.#owners.get(container);
    return owner === undefined ? undefined : this.#locators.get(owner);
  }

  /**
   * Makes `to` (a container built from `from`'s entries, such as a patch without its name)
   * answer positions and text as `from` does. Nothing happens when `from` has no locator.
   */
  share(from: object, to: object): void {
    if (!this.locatorOf(from)) return;
    const owner = this.#ownerOf(from);
    if (owner !== undefined && owner !== to) this.#owners.set(to, owner);
  }

  /** The container whose locator or resolver answers for `container`, if any. */
  #ownerOf(container: object): object | undefined {
    if (this.#locators.has(container) || this.#resolvers.has(container)) return container;
    return this.#owners.get(container);
  }

  /** The resolver answering for `container` and the container to ask it with. */
  #resolverOf(container: object): { resolver: OriginResolver; asked: object } | undefined {
    const own = this.#resolvers.get(container);
    if (own) return { resolver: own, asked: container };
    const owner = this.#owners.get(container);
    const resolver = owner === undefined ? undefined : this.#resolvers.get(owner);
    // The resolver answers for the original's keys; a copy asks it with the original.
    return resolver && owner ? { resolver, asked: owner } : undefined;
  }

  /** Where `container[key]` was written: an override if one was recorded, else its own text. */
  originOf(container: object, key: string | number): ValueOrigin | undefined {
    const override = this.#overrides.get(container)?.get(key);
    if (override) return override;
    const resolved = this.#resolverOf(container);
    if (resolved) return resolved.resolver(resolved.asked, key);
    const own = this.#locators.get(container);
    // A copy's positions are its owner's: the owner is the container the text was parsed into.
    const positioned = own ? container : this.#owners.get(container);
    const locator = own ?? (positioned === undefined ? undefined : this.#locators.get(positioned));
    if (!locator || positioned === undefined) return undefined;
    const position = locator.positions.positionOf(positioned, key);
    if (!position) return undefined;
    return {
      file: locator.file,
      line: position.line + (locator.lineOffset ?? 0),
      column: position.column + (locator.columnOffset ?? 0),
      ...(locator.documentIndex === undefined ? {} : { documentIndex: locator.documentIndex }),
    };
  }

  /**
   * How the scalar `container[key]` is written in its own text (`literal` for `|`), or undefined
   * when it was rebuilt from something else (an override, a substituted text) or is not known:
   * the lines of a literal block are the file's lines, so a position inside it maps back.
   */
  scalarStyleOf(container: object, key: string | number): ScalarStyle | undefined {
    if (this.#overrides.get(container)?.has(key)) return this.#overrideStyles.get(container)?.get(key);
    if (this.#resolverOf(container)) return undefined;
    const own = this.#locators.get(container);
    if (own) return own.positions.scalarStyleOf?.(container, key);
    const owner = this.#owners.get(container);
    return owner === undefined ? undefined : this.#locators.get(owner)?.positions.scalarStyleOf?.(owner, key);
  }

  /** Records that `container[key]` now holds a value written at `origin`. */
  setOverride(container: object, key: string | number, origin: ValueOrigin | undefined): void {
    if (!origin) return;
    let overrides = this.#overrides.get(container);
    if (!overrides) {
      overrides = new Map();
      this.#overrides.set(container, overrides);
    }
    overrides.set(key, origin);
    this.#overrideStyles.get(container)?.delete(key);
  }

  /** Copies the origin of `from[fromKey]` to `to[toKey]` (a value moved or copied by a patch). */
  copyOrigin(from: object, fromKey: string | number, to: object, toKey: string | number): void {
    this.setOverride(to, toKey, this.originOf(from, fromKey));
    const style = this.scalarStyleOf(from, fromKey);
    if (style === undefined || !this.#overrides.get(to)?.has(toKey)) return;
    let styles = this.#overrideStyles.get(to);
    if (!styles) {
      styles = new Map();
      this.#overrideStyles.set(to, styles);
    }
    styles.set(toKey, style);
  }

  /**
   * A one-level copy of a mapping or sequence that answers positions and overrides as `value`
   * does (as a container copied by {@link Provenance.clone} would); its children are `value`'s
   * own, not copies. Copy-on-write builds copy only the containers they write.
   */
  copyContainer<T extends object>(value: T): T {
    // Spread defines properties, so an own `__proto__` key stays a plain key.
    const copy = (Array.isArray(value) ? value.slice() : { ...value }) as T;
    const owner = this.#ownerOf(value);
    if (owner !== undefined) this.#owners.set(copy, owner);
    this.#copyOverrides(value, copy);
    return copy;
  }

  /**
   * A deep copy of plain YAML data whose containers keep their origins. YAML aliases are
   * expanded, as kustomize does when it reads a resource: a container shared within `value` is
   * copied once per path, and each copy answers origins as the shared one did, so a write
   * through one path never shows through another. Every container made is added to `made`, when
   * given (a copy-on-write build writes those in place).
   * @throws {AliasExpansionError} for a cycle, or past {@link CLONE_LIMITS}
   */
  cloneExpanded<T>(value: T, made?: WeakSet<object>): T {
    return this.#clone(value, { count: 0, made }, 0);
  }

  /**
   * {@link Provenance.cloneExpanded}, except that a value whose aliases cannot be expanded (a
   * cycle, or past {@link CLONE_LIMITS}) is copied with its shared containers kept shared, each
   * copied once: for callers that cannot report the failure (Helm values), bounded and without
   * end, never exact for such a value.
   */
  clone<T>(value: T, made?: WeakSet<object>): T {
    try {
      return this.cloneExpanded(value, made);
    } catch (error) {
      if (!isAliasExpansionError(error)) throw error;
      return this.#cloneShared(value, new Map(), made);
    }
  }

  #cloneShared<T>(value: T, copies: Map<object, object>, made: WeakSet<object> | undefined): T {
    if (typeof value !== 'object' || value === null) return value;
    const source = value as unknown as object;
    const done = copies.get(source);
    if (done) return done as T;
    const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : {};
    copies.set(source, copy);
    made?.add(copy);
    if (Array.isArray(copy)) {
      for (const item of value as unknown[]) copy.push(this.#cloneShared(item, copies, made));
    } else {
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record))
        setOwnValue(copy, key, this.#cloneShared(record[key], copies, made));
    }
    const owner = this.#ownerOf(source);
    if (owner !== undefined) this.#owners.set(copy, owner);
    this.#copyOverrides(source, copy);
    return copy as T;
  }

  #clone<T>(value: T, state: { count: number; made: WeakSet<object> | undefined }, depth: number): T {
    if (typeof value !== 'object' || value === null) return value;
    // A cycle nests without end, so the depth limit finds it before the stack runs out.
    if (depth > CLONE_LIMITS.maxDepth)
      throw new AliasExpansionError(
        `a value nests more than ${CLONE_LIMITS.maxDepth} deep once its YAML aliases are expanded (or an alias is inside the value it names)`,
      );
    state.count += 1;
    if (state.count > CLONE_LIMITS.maxContainers)
      throw new AliasExpansionError(
        `expanding the YAML aliases of a value makes more than ${CLONE_LIMITS.maxContainers} mappings and lists`,
      );
    const source = value as unknown as object;
    const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : {};
    state.made?.add(copy);
    if (Array.isArray(copy)) {
      for (const item of value as unknown[]) copy.push(this.#clone(item, state, depth + 1));
    } else {
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        setOwnValue(copy, key, this.#clone(record[key], state, depth + 1));
      }
    }
    const owner = this.#ownerOf(source);
    if (owner !== undefined) this.#owners.set(copy, owner);
    this.#copyOverrides(source, copy);
    return copy as T;
  }

  /** Gives `copy` the overrides of `source`, with their scalar styles. */
  #copyOverrides(source: object, copy: object): void {
    const overrides = this.#overrides.get(source);
    if (!overrides) return;
    this.#overrides.set(copy, new Map(overrides));
    const styles = this.#overrideStyles.get(source);
    if (styles) this.#overrideStyles.set(copy, new Map(styles));
  }
}

/** Pushes the mappings and sequences directly inside `item` (no array of its values built). */
function pushChildren(item: object, stack: unknown[]): void {
  if (Array.isArray(item)) {
    for (const child of item) if (typeof child === 'object' && child !== null) stack.push(child);
    return;
  }
  const record = item as Record<string, unknown>;
  for (const key in record) {
    const child = record[key];
    if (typeof child === 'object' && child !== null) stack.push(child);
  }
}
