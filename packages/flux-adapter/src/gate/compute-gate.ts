import type { Diagnostic, ImageVerdict, ObjectResult, OnScanError, Policy } from '@sluice/core';
import { compareStrings, joinSentences, makesUnknown, resolvePolicy } from '@sluice/core';
import { buildDependencyGraph } from '../graph/build-dependency-graph.js';
import type { FluxGraphNode } from '../graph/types.js';
import type { FluxWorkload } from '../model.js';

/** The graph the gate needs: nodes with their dependencies, images and (optionally) locations. */
export interface GateGraph {
  readonly nodes: readonly GateNode[];
  /** Ids in no wave (in or behind a `dependsOn` cycle), when known. */
  readonly unscheduled?: readonly string[];
}

/** A node as the gate reads it: {@link FluxGraphNode} or a core `GraphNode`. */
export type GateNode = Pick<FluxGraphNode, 'id' | 'dependsOn' | 'images'> &
  Partial<Pick<FluxGraphNode, 'cluster' | 'file' | 'line' | 'suspended' | 'unresolvedReason'>>;

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
  /**
   * The diagnostics of the run. One whose code means "this build could not be reproduced
   * exactly" (effect `unknown` in core's `DIAGNOSTIC_CODES`) and whose `object` is a node of the
   * graph makes that node `unknown`, with the diagnostic (file, line, message) as the reason.
   * @default []
   */
  readonly diagnostics?: readonly Diagnostic[];
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
  /** Its images could not (all) be found: whether that blocks, by the policy's onScanError. */
  unresolved?: OnScanError;
  /** Why its build could not be reproduced exactly (from diagnostics), one `file:line: message` each. */
  unknownReasons?: readonly string[];
}

/**
 * Decides, for every Flux object of the graph, whether it may be applied.
 *
 * - `blocked`: one of its own images fails the policy (the images are listed).
 * - `unknown`: one of its own images could not be scanned, Sluice could not find its images
 *   at all (an unmapped source, a missing path, images only in chart defaults: the node's
 *   `unresolvedReason`), or its build could not be reproduced exactly (a diagnostic naming it
 *   whose code has the `unknown` effect: an unreadable file, a remote base…). With `onScanError: 'block'` (the default, failing closed) the object
 *   blocks like a failing one, and so does everything that depends on it; with `'warn'` it
 *   blocks nothing.
 * - `blocked-upstream`: it depends, directly or through other objects, on a `blocked` or blocking
 *   `unknown` object; `chain` is a shortest `dependsOn` path from it to that object (ties broken
 *   deterministically: breadth-first from the blocking objects in id order).
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
 * const graph = buildDependencyGraph(workloads); // or pass the workloads themselves
 * const gate = computeGate(graph, new Map([['docker.io/library/nginx:1.21.0', 'fail']]), policy);
 * gate.verdict; // 'blocked'
 * gate.objects.find((object) => object.id === 'Kustomization/flux-system/apps');
 * // { id: …, status: 'blocked-upstream', chain: ['Kustomization/flux-system/apps', 'Kustomization/flux-system/infra'], … }
 * ```
 */
export function computeGate(
  graphOrWorkloads: GateGraph | readonly FluxWorkload[],
  verdicts: ImageVerdictLookup,
  policy: Policy = {},
  options: ComputeGateOptions = {},
): GateResult {
  const graph: GateGraph = isWorkloadList(graphOrWorkloads)
    ? buildDependencyGraph(graphOrWorkloads)
    : graphOrWorkloads;
  const nodes = isSortedById(graph.nodes)
    ? graph.nodes
    : [...graph.nodes].sort((a, b) => compareStrings(a.id, b.id));
  const indexOf = new Map<string, number>();
  nodes.forEach((node, index) => indexOf.set(node.id, index));
  const verdictOf =
    typeof verdicts === 'function' ? verdicts : (ref: string): ImageVerdict | undefined => verdicts.get(ref);

  const unknownReasons = unknownReasonsByObject(options.diagnostics ?? [], indexOf);
  const own: (Own | undefined)[] = new Array<Own | undefined>(nodes.length);
  const isRoot = new Uint8Array(nodes.length);
  nodes.forEach((node, index) => {
    const result = classifyImages(node, verdictOf, policy, unknownReasons.get(node.id));
    own[index] = result;
    if (result && !node.suspended && (result.failing.length > 0 || blocksAsUnknown(result))) {
      isRoot[index] = 1;
    }
  });

  // Multi-source breadth-first search from every root cause along "is depended on by" edges:
  // the first visit of a node is along a shortest chain, and sorted sources and neighbours make
  // the chosen chain deterministic.
  const dependents = dependentsOf(nodes, indexOf);
  const next = new Int32Array(nodes.length).fill(-2);
  const queue: number[] = [];
  for (let index = 0; index < nodes.length; index += 1) {
    if (isRoot[index]) {
      next[index] = -1;
      queue.push(index);
    }
  }
  for (let head = 0; head < queue.length; head += 1) {
    const node = queue[head]!;
    for (let edge = dependents.offsets[node]!; edge < dependents.offsets[node + 1]!; edge += 1) {
      const dependent = dependents.targets[edge]!;
      if (next[dependent] !== -2) continue;
      next[dependent] = node;
      queue.push(dependent);
    }
  }

  const unscheduled =
    graph.unscheduled && graph.unscheduled.length > 0 ? new Set(graph.unscheduled) : undefined;
  const imageReasons = options.imageReasons;
  const objects: ObjectResult[] = new Array<ObjectResult>(nodes.length);
  const blocking: string[] = [];
  nodes.forEach((node, index) => {
    const mine = own[index] ?? NO_PROBLEMS;
    const chain = next[index]! >= 0 ? chainFrom(index, next, nodes) : undefined;
    const reasons: string[] = [];
    let status: ObjectResult['status'];
    if (node.suspended) {
      status = 'suspended';
      reasons.push(SUSPENDED_REASON);
      for (const ref of mine.failing)
        reasons.push(describe(ref, 'fails the policy and would block it', imageReasons));
      for (const ref of mine.unknownBlocking) {
        reasons.push(describe(ref, 'could not be scanned and would block it', imageReasons));
      }
      if (chain) reasons.push(upstreamReason(chain));
    } else if (mine.failing.length > 0) {
      status = 'blocked';
      for (const ref of mine.failing) reasons.push(describe(ref, 'fails the policy', imageReasons));
      for (const ref of mine.unknownBlocking) {
        reasons.push(describe(ref, 'could not be scanned (failing closed)', imageReasons));
      }
    } else if (blocksAsUnknown(mine)) {
      status = 'unknown';
      for (const ref of mine.unknownBlocking) {
        reasons.push(
          describe(ref, 'could not be scanned; failing closed, it blocks (onScanError: block)', imageReasons),
        );
      }
    } else if (chain) {
      status = 'blocked-upstream';
      reasons.push(upstreamReason(chain));
    } else if (mine.unknownWarning.length > 0 || mine.unresolved === 'warn') {
      status = 'unknown';
    } else {
      status = 'pass';
      reasons.push(passReason(node.images.length));
    }
    for (const ref of mine.unknownWarning) {
      reasons.push(
        describe(ref, 'could not be scanned; it blocks nothing (onScanError: warn)', imageReasons),
      );
    }
    if (node.unresolvedReason !== undefined) {
      const consequence =
        mine.unresolved === 'block'
          ? 'failing closed, it blocks (onScanError: block)'
          : 'it blocks nothing (onScanError: warn)';
      reasons.push(`Its images could not all be found (${node.unresolvedReason}); ${consequence}.`);
    }
    for (const reason of mine.unknownReasons ?? []) {
      const consequence =
        mine.unresolved === 'block'
          ? 'failing closed, it blocks (onScanError: block)'
          : 'it blocks nothing (onScanError: warn)';
      reasons.push(`Its build could not be reproduced exactly (${reason}); ${consequence}.`);
    }
    if (unscheduled?.has(node.id)) reasons.push(CYCLE_REASON);
    const blocks =
      status === 'blocked' ||
      status === 'blocked-upstream' ||
      (status === 'unknown' && blocksAsUnknown(mine));
    if (blocks) blocking.push(node.id);
    const result: { -readonly [K in keyof ObjectResult]: ObjectResult[K] } = {
      id: node.id,
      ...(node.cluster === undefined ? {} : { cluster: node.cluster }),
      status,
      reasons,
      blocking: blocks,
      images: isSorted(node.images) ? node.images.slice() : [...node.images].sort(compareStrings),
    };
    if (status === 'blocked-upstream' && chain) result.chain = chain;
    if (node.file !== undefined) result.file = node.file;
    if (node.line !== undefined) result.line = node.line;
    objects[index] = result;
  });
  return { verdict: blocking.length > 0 ? 'blocked' : 'pass', objects, blocking };
}

const NO_PROBLEMS: Own = { failing: [], unknownBlocking: [], unknownWarning: [] };
const SUSPENDED_REASON =
  'spec.suspend is true: Flux applies nothing of it, so its own images block nothing downstream.';
const CYCLE_REASON = 'It is in or behind a dependsOn cycle: Flux never applies it.';

function blocksAsUnknown(own: Own): boolean {
  return own.unknownBlocking.length > 0 || own.unresolved === 'block';
}

// Undefined when every image passes and all were found (the common case allocates nothing).
function classifyImages(
  node: GateNode,
  verdictOf: (ref: string, objectId: string) => ImageVerdict | undefined,
  policy: Policy,
  unknownReasons: readonly string[] | undefined,
): Own | undefined {
  let result: Own | undefined;
  if (node.unresolvedReason !== undefined || unknownReasons !== undefined) {
    result = { failing: [], unknownBlocking: [], unknownWarning: [] };
    result.unresolved = resolvePolicy(policy, { object: node.id }).onScanError;
    if (unknownReasons !== undefined) result.unknownReasons = unknownReasons;
  }
  for (const ref of isSorted(node.images) ? node.images : [...node.images].sort(compareStrings)) {
    const verdict = verdictOf(ref, node.id) ?? 'unknown';
    if (verdict === 'pass') continue;
    result ??= { failing: [], unknownBlocking: [], unknownWarning: [] };
    if (verdict === 'fail') result.failing.push(ref);
    else if (resolvePolicy(policy, { image: ref, object: node.id }).onScanError === 'block') {
      result.unknownBlocking.push(ref);
    } else result.unknownWarning.push(ref);
  }
  return result;
}

/**
 * The reasons that make each graph object unknown: every diagnostic whose code has the `unknown`
 * effect, by its `object`, as `file:line: message`, sorted and without repeats.
 */
function unknownReasonsByObject(
  diagnostics: readonly Diagnostic[],
  indexOf: ReadonlyMap<string, number>,
): Map<string, string[]> {
  const byObject = new Map<string, Set<string>>();
  for (const diagnostic of diagnostics) {
    if (diagnostic.object === undefined || !indexOf.has(diagnostic.object) || !makesUnknown(diagnostic))
      continue;
    let reasons = byObject.get(diagnostic.object);
    if (!reasons) {
      reasons = new Set();
      byObject.set(diagnostic.object, reasons);
    }
    reasons.add(describeDiagnostic(diagnostic));
  }
  return new Map([...byObject].map(([id, reasons]) => [id, [...reasons].sort(compareStrings)]));
}

/** `file:line: message` (or the message alone when the diagnostic names no file). */
export function describeDiagnostic(diagnostic: Diagnostic): string {
  if (diagnostic.file === '') return diagnostic.message;
  const line = diagnostic.line === undefined ? '' : `:${diagnostic.line}`;
  return `${diagnostic.file}${line}: ${diagnostic.message}`;
}

function dependentsOf(
  nodes: readonly GateNode[],
  indexOf: ReadonlyMap<string, number>,
): { offsets: Int32Array; targets: Int32Array } {
  const offsets = new Int32Array(nodes.length + 1);
  const sources: number[] = [];
  const targets: number[] = [];
  nodes.forEach((node, index) => {
    for (const id of node.dependsOn) {
      const target = indexOf.get(id);
      if (target === undefined) continue;
      sources.push(index);
      targets.push(target);
      offsets[target + 1]! += 1;
    }
  });
  for (let index = 0; index < nodes.length; index += 1) offsets[index + 1]! += offsets[index]!;
  const fill = offsets.slice(0, nodes.length);
  const dependents = new Int32Array(targets.length);
  // Sources are visited in ascending order, so each list is sorted.
  for (let edge = 0; edge < targets.length; edge += 1) dependents[fill[targets[edge]!]!++] = sources[edge]!;
  return { offsets, targets: dependents };
}

function describe(ref: string, what: string, imageReasons: ComputeGateOptions['imageReasons']): string {
  const extra = imageReasons?.get(ref);
  return extra && extra.length > 0 ? `${ref} ${what}: ${joinSentences(...extra)}` : `${ref} ${what}.`;
}

function passReason(count: number): string {
  if (count === 0) return 'It deploys no images that Sluice found.';
  return count === 1 ? 'Its image passes the policy.' : `All ${count} of its images pass the policy.`;
}

function isWorkloadList(value: GateGraph | readonly FluxWorkload[]): value is readonly FluxWorkload[] {
  return Array.isArray(value);
}

function isSortedById(nodes: readonly GateNode[]): boolean {
  for (let index = 1; index < nodes.length; index += 1)
    if (nodes[index - 1]!.id >= nodes[index]!.id) return false;
  return true;
}

function isSorted(values: readonly string[]): boolean {
  for (let index = 1; index < values.length; index += 1)
    if (values[index - 1]! > values[index]!) return false;
  return true;
}

function chainFrom(start: number, next: Int32Array, nodes: readonly GateNode[]): string[] {
  const chain = [nodes[start]!.id];
  for (let step = next[start]!; step >= 0; step = next[step]!) chain.push(nodes[step]!.id);
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
