import type { ImageVerdict, ObjectResult, Policy } from '@sluice/core';
import { resolvePolicy } from '@sluice/core';
import type { FluxGraphNode } from '../graph/types.js';

/** The graph the gate needs: nodes with their dependencies, images and (optionally) locations. */
export interface GateGraph {
  readonly nodes: readonly GateNode[];
  /** Ids in no wave (in or behind a `dependsOn` cycle), when known. */
  readonly unscheduled?: readonly string[];
}

/** A node as the gate reads it: {@link FluxGraphNode} or a core `GraphNode`. */
export type GateNode = Pick<FluxGraphNode, 'id' | 'dependsOn' | 'images'> &
  Partial<Pick<FluxGraphNode, 'file' | 'line' | 'suspended' | 'unresolvedReason'>>;

/**
 * The verdict of each image: a map by normalized reference, or a function that can answer per
 * Flux object (when `objects` overrides make an image pass for one object and fail for another).
 * An image with no answer counts as `unknown` (not scanned).
 */
export type ImageVerdictLookup =
  ReadonlyMap<string, ImageVerdict> | ((ref: string, objectId: string) => ImageVerdict | undefined);

/** Options of {@link computeGate}. */
export interface ComputeGateOptions {
  /**
   * Extra sentences about an image, appended to the reason of an object it blocks (the policy's
   * own reasons, such as which CVEs fail it).
   * @default none
   */
  readonly imageReasons?: ReadonlyMap<string, readonly string[]>;
}

/** The gate decision for every object of the graph. */
export interface GateResult {
  /** `blocked` when any object must not be applied. */
  readonly verdict: 'pass' | 'blocked';
  /** One result per node, sorted by id. */
  readonly objects: ObjectResult[];
  /** Ids of the objects that must not be applied, sorted. */
  readonly blocking: string[];
}

interface Own {
  readonly failing: string[];
  readonly unknownBlocking: string[];
  readonly unknownWarning: string[];
}

/**
 * Decides, for every Flux object of the graph, whether it may be applied.
 *
 * - `blocked`: one of its own images fails the policy (the images are listed).
 * - `unknown`: one of its own images could not be scanned. With `onScanError: 'block'` (the
 *   default, failing closed) the object blocks like a failing one, and so does everything that
 *   depends on it; with `'warn'` it blocks nothing.
 * - `blocked-upstream`: it depends, directly or through other objects, on a `blocked` or blocking
 *   `unknown` object; `chain` is the shortest `dependsOn` path from it to that object (ties go to
 *   the first path in id order).
 * - `suspended`: `spec.suspend: true`. Flux applies nothing of it, so its own images block
 *   nothing; a block from further upstream still passes through it to its dependents.
 * - `pass`: none of the above.
 *
 * An object's own problem comes before an upstream one: `blocked`, then a blocking `unknown`,
 * then `blocked-upstream`, then a non-blocking `unknown`. A parent Kustomization is not blocked
 * by its children (`manages`): applying it only creates the child objects, whose own gate holds
 * back their apply. Runs in time linear in the graph, without recursion.
 *
 * @example
 * ```ts
 * const graph = buildDependencyGraph(workloads);
 * const gate = computeGate(graph, new Map([['docker.io/library/nginx:1.21.0', 'fail']]), policy);
 * gate.verdict; // 'blocked'
 * gate.objects.find((object) => object.id === 'Kustomization/flux-system/apps');
 * // { id: …, status: 'blocked-upstream', chain: ['Kustomization/flux-system/apps', 'Kustomization/flux-system/infra'], … }
 * ```
 */
export function computeGate(
  graph: GateGraph,
  verdicts: ImageVerdictLookup,
  policy: Policy = {},
  options: ComputeGateOptions = {},
): GateResult {
  const nodes = [...graph.nodes].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const indexOf = new Map(nodes.map((node, index) => [node.id, index]));
  const verdictOf =
    typeof verdicts === 'function' ? verdicts : (ref: string): ImageVerdict | undefined => verdicts.get(ref);

  const own: Own[] = nodes.map((node) => {
    const result: Own = { failing: [], unknownBlocking: [], unknownWarning: [] };
    for (const ref of [...node.images].sort()) {
      const verdict = verdictOf(ref, node.id) ?? 'unknown';
      if (verdict === 'fail') result.failing.push(ref);
      else if (verdict === 'unknown') {
        const onScanError = resolvePolicy(policy, { image: ref, object: node.id }).onScanError;
        (onScanError === 'block' ? result.unknownBlocking : result.unknownWarning).push(ref);
      }
    }
    return result;
  });
  const isRoot = (index: number): boolean =>
    !nodes[index]!.suspended && (own[index]!.failing.length > 0 || own[index]!.unknownBlocking.length > 0);

  // Multi-source breadth-first search from every root cause along "is depended on by" edges:
  // the first visit of a node is along a shortest chain, and sorted sources and neighbours make
  // the chosen chain deterministic.
  const dependents: number[][] = nodes.map(() => []);
  nodes.forEach((node, index) => {
    for (const id of node.dependsOn) {
      const target = indexOf.get(id);
      if (target !== undefined) dependents[target]!.push(index);
    }
  });
  const next = new Int32Array(nodes.length).fill(-2);
  const queue: number[] = [];
  for (let index = 0; index < nodes.length; index += 1) {
    if (isRoot(index)) {
      next[index] = -1;
      queue.push(index);
    }
  }
  for (let head = 0; head < queue.length; head += 1) {
    const node = queue[head]!;
    for (const dependent of dependents[node]!) {
      if (next[dependent] !== -2) continue;
      next[dependent] = node;
      queue.push(dependent);
    }
  }

  const unscheduled = new Set(graph.unscheduled ?? []);
  const objects: ObjectResult[] = [];
  const blocking: string[] = [];
  nodes.forEach((node, index) => {
    const mine = own[index]!;
    const chain = next[index]! >= 0 ? chainFrom(index, next).map((step) => nodes[step]!.id) : undefined;
    const reasons: string[] = [];
    let status: ObjectResult['status'];
    const describe = (ref: string, what: string): string => {
      const extra = options.imageReasons?.get(ref) ?? [];
      return extra.length > 0 ? `${ref} ${what}: ${extra.join(' ')}` : `${ref} ${what}.`;
    };
    if (node.suspended) {
      status = 'suspended';
      reasons.push(
        'spec.suspend is true: Flux applies nothing of it, so its own images block nothing downstream.',
      );
      for (const ref of mine.failing) reasons.push(describe(ref, 'fails the policy and would block it'));
      for (const ref of mine.unknownBlocking)
        reasons.push(describe(ref, 'could not be scanned and would block it'));
      if (chain) reasons.push(upstreamReason(chain));
    } else if (mine.failing.length > 0) {
      status = 'blocked';
      for (const ref of mine.failing) reasons.push(describe(ref, 'fails the policy'));
      for (const ref of mine.unknownBlocking)
        reasons.push(describe(ref, 'could not be scanned (failing closed)'));
    } else if (mine.unknownBlocking.length > 0) {
      status = 'unknown';
      for (const ref of mine.unknownBlocking) {
        reasons.push(describe(ref, 'could not be scanned; failing closed, it blocks (onScanError: block)'));
      }
    } else if (chain) {
      status = 'blocked-upstream';
      reasons.push(upstreamReason(chain));
    } else if (mine.unknownWarning.length > 0) {
      status = 'unknown';
    } else {
      status = 'pass';
      reasons.push(
        node.images.length === 0
          ? 'It deploys no images that Sluice found.'
          : node.images.length === 1
            ? 'Its image passes the policy.'
            : `All ${node.images.length} of its images pass the policy.`,
      );
    }
    for (const ref of mine.unknownWarning) {
      reasons.push(describe(ref, 'could not be scanned; it blocks nothing (onScanError: warn)'));
    }
    if (node.unresolvedReason !== undefined) {
      reasons.push(
        `Its images could not all be found (${node.unresolvedReason}); the gate covers only those found.`,
      );
    }
    if (unscheduled.has(node.id))
      reasons.push('It is in or behind a dependsOn cycle: Flux never applies it.');
    const blocks =
      status === 'blocked' ||
      status === 'blocked-upstream' ||
      (status === 'unknown' && mine.unknownBlocking.length > 0);
    if (blocks) blocking.push(node.id);
    objects.push({
      id: node.id,
      status,
      reasons,
      images: [...node.images].sort(),
      ...(status === 'blocked-upstream' && chain ? { chain } : {}),
      ...(node.file === undefined ? {} : { file: node.file }),
      ...(node.line === undefined ? {} : { line: node.line }),
    });
  });
  return { verdict: blocking.length > 0 ? 'blocked' : 'pass', objects, blocking };
}

function chainFrom(start: number, next: Int32Array): number[] {
  const chain = [start];
  for (let step = next[start]!; step >= 0; step = next[step]!) chain.push(step);
  return chain;
}

function upstreamReason(chain: readonly string[]): string {
  const root = chain[chain.length - 1];
  if (chain.length === 2) return `It depends on ${root}, which is blocked.`;
  // The chain itself is in `chain`; a very long one is summarized here to keep reasons short.
  const middle = chain.slice(1, -1);
  const through =
    middle.length <= MAX_CHAIN_IN_REASON
      ? middle.join(' → ')
      : `${middle.slice(0, MAX_CHAIN_IN_REASON - 1).join(' → ')} → … (${middle.length - MAX_CHAIN_IN_REASON + 1} more)`;
  return `It depends on ${root}, which is blocked, through ${through}.`;
}

const MAX_CHAIN_IN_REASON = 5;
