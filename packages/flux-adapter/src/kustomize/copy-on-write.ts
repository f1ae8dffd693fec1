import type { Provenance } from './provenance.js';
import { isMap, metadataOf, ownValue, setOwnValue, type KResource, type YamlMap } from './resource.js';

/**
 * How a transformer reaches into an object it writes: every mapping or list it writes into is
 * taken with {@link ContainerWriter.child} from a parent it may write, and every value it copies
 * in from a patch is made with {@link ContainerWriter.clone}.
 */
export interface ContainerWriter {
  /** `parent[key]`, writable when it is a mapping or a list (`parent` must be writable). */
  child(parent: object, key: string | number): unknown;
  /** A deep copy of `value` with its origins (see {@link Provenance.cloneExpanded}). */
  clone<T>(value: T): T;
}

/**
 * A writer for objects the caller owns: everything is written in place. The object must reach
 * each of its containers by one path (see {@link expandAliases}).
 */
export function inPlaceWriter(provenance: Provenance): ContainerWriter {
  return {
    child: (parent, key) => ownValue(parent, key),
    clone: (value) => provenance.cloneExpanded(value),
  };
}

/**
 * Copy-on-write for the objects of one build. Resources are read straight from the parse cache
 * (shared by every build of the run, never changed) and copied only where a transformer writes:
 * most objects of most builds are never written, and a folder built for several Flux
 * Kustomizations is then not copied once per build.
 *
 * An object is shared (the cached parse itself), path-copied (its root and each container a
 * transformer wrote into are this build's one-level copies, the rest is still shared), or owned
 * (a full copy made by {@link Provenance.cloneExpanded}, for the transformers that write anywhere: images,
 * generators). Either copy expands YAML aliases as kustomize does when it reads a resource: a
 * path copy replaces only the path written, so a container a YAML alias shares with another path
 * stays as written there, and a full copy has no aliases left.
 *
 * One instance serves one top-level build and its nested builds: the copies it made are seen by
 * nothing else until the build returns.
 */
export class CopyOnWrite {
  readonly #provenance: Provenance;
  /** Objects copied whole by this build. */
  readonly #owned = new WeakSet<object>();
  /** Containers this build made (one-level copies, and clones written into path-copied objects). */
  readonly #made = new WeakSet<object>();
  readonly #inPlace: ContainerWriter;
  readonly #pathWriter: ContainerWriter;

  constructor(provenance: Provenance) {
    this.#provenance = provenance;
    this.#inPlace = inPlaceWriter(provenance);
    this.#pathWriter = {
      child: (parent, key) => this.#child(parent as Record<string | number, unknown>, key),
      clone: (value) => provenance.cloneExpanded(value, this.#made),
    };
  }

  /** Whether this build copied `object` whole (so it may be changed anywhere in place). */
  owns(object: YamlMap): boolean {
    return this.#owned.has(object);
  }

  /**
   * The object of `resource`, which the caller may change anywhere: copied whole (and put in
   * `resource` in place of the shared one) unless this build copied it whole already.
   */
  object(resource: KResource): YamlMap {
    const object = resource.object;
    if (this.#owned.has(object)) return object;
    const copy = this.#provenance.cloneExpanded(object);
    this.#owned.add(copy);
    replaceObject(resource, copy);
    return copy;
  }

  /**
   * The root of the object of `resource`, writable, and the writer that makes the containers
   * below it writable on the way down (copying each one the first time).
   */
  root(resource: KResource): { readonly object: YamlMap; readonly writer: ContainerWriter } {
    const object = resource.object;
    if (this.#owned.has(object)) return { object, writer: this.#inPlace };
    if (this.#made.has(object)) return { object, writer: this.#pathWriter };
    const copy = this.#provenance.copyContainer(object);
    this.#made.add(copy);
    replaceObject(resource, copy);
    return { object: copy, writer: this.#pathWriter };
  }

  /**
   * `metadata` of the object of `resource` (created when it is not a mapping), which the caller
   * may change in place (set `name`, `namespace`, replace `labels`); only the root and
   * `metadata` are copied.
   */
  metadata(resource: KResource): YamlMap {
    const { object, writer } = this.root(resource);
    if (isMap(object.metadata)) return writer.child(object, 'metadata') as YamlMap;
    const metadata = metadataOf(object);
    this.#made.add(metadata);
    return metadata;
  }

  #child(parent: Record<string | number, unknown>, key: string | number): unknown {
    // An inherited value (`__proto__`, `constructor`) is not in the YAML: undefined, as in-place.
    const value = ownValue(parent, key);
    if (typeof value !== 'object' || value === null || this.#made.has(value)) return value;
    const copy = this.#provenance.copyContainer(value);
    this.#made.add(copy);
    setOwnValue(parent, key, copy);
    return copy;
  }
}

/** The object of `resource`, to be changed anywhere: copied first when `copies` says so. */
export function writableObject(resource: KResource, copies: CopyOnWrite | undefined): YamlMap {
  return copies ? copies.object(resource) : resource.object;
}

/** `metadata` of the object of `resource`, to be changed: copied first when `copies` says so. */
export function writableMetadata(resource: KResource, copies: CopyOnWrite | undefined): YamlMap {
  return copies ? copies.metadata(resource) : metadataOf(resource.object);
}

/**
 * The root of the object of `resource` and the writer for the containers below it: copied along
 * the paths written with `copies`; without, in place once its YAML aliases are expanded.
 */
export function writableRoot(
  resource: KResource,
  copies: CopyOnWrite | undefined,
  provenance: Provenance,
): { readonly object: YamlMap; readonly writer: ContainerWriter } {
  if (copies) return copies.root(resource);
  expandAliases(resource.object, provenance);
  return { object: resource.object, writer: inPlaceWriter(provenance) };
}

function replaceObject(resource: KResource, object: YamlMap): void {
  // A build's resource records are its own (made per load), so the copy replaces the shared object there.
  (resource as { object: YamlMap }).object = object;
}

/**
 * Expands, in place, the YAML aliases of an object the caller owns (as kustomize does when it
 * reads a resource): each container met again on another path is replaced there by a copy that
 * answers origins as it does (see {@link Provenance.cloneExpanded}), so that a write in place through one
 * path never shows through another. Nothing is copied for an object without aliases.
 * @throws {AliasExpansionError} for a cycle, or past `CLONE_LIMITS`
 */
export function expandAliases(object: YamlMap, provenance: Provenance): void {
  const seen = new Set<object>([object]);
  // Iterative: a repository decides how deep its YAML nests.
  const stack: object[] = [object];
  while (stack.length > 0) {
    const item = stack.pop() as Record<string | number, unknown>;
    const keys: (string | number)[] = Array.isArray(item) ? item.map((_, index) => index) : Object.keys(item);
    for (const key of keys) {
      const child = item[key];
      if (typeof child !== 'object' || child === null) continue;
      if (seen.has(child)) {
        // A fresh copy reaches each of its containers once: nothing below it is walked.
        setOwnValue(item, key, provenance.cloneExpanded(child));
        continue;
      }
      seen.add(child);
      stack.push(child);
    }
  }
}
