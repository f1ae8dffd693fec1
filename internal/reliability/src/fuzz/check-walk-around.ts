import { posix } from 'node:path';
import type { GateReport } from '@sluice/core';
import { VULNERABLE_REF } from '../flux/gate-repo.js';
import type { CorpusRun } from './gate-corpus.js';
import type { Injection } from './fuzz-target.js';

type GateObject = GateReport['objects'][number];

/**
 * The fuzz oracle: after `injection`, the gate must not pass what it hid. The run is `blocked`;
 * each owner either deploys the marker and is `blocked`, or is a blocking `unknown` with a reason
 * naming a file the injection wrote (or was already `blocked-upstream`: Flux waits for its
 * dependency). Every other object keeps its baseline status unless it depends on (`dependsOn`)
 * or is managed by an object the injection changed. Returns the problems, empty when none.
 */
export function checkWalkAround(before: CorpusRun, after: CorpusRun, injection: Injection): string[] {
  const problems: string[] = [];
  if (after.report.verdict !== 'blocked') problems.push(`the run's verdict is ${after.report.verdict}`);
  const now = new Map(after.report.objects.map((object) => [object.id, object]));
  const was = new Map(before.report.objects.map((object) => [object.id, object]));
  // A reason may name the injected file, or its folder (a base whose kustomization file Flux's
  // artifact drops: "Folder apps/base/podinfo is used as a resource but has no kustomization file").
  const folders = injection.files.map((file) => posix.dirname(file)).filter((folder) => folder !== '.');
  const namesInjectedFile = (object: GateObject): boolean =>
    object.reasons.some(
      (reason) =>
        injection.files.some((file) => reason.includes(file)) ||
        folders.some((folder) => new RegExp(`(^|\\s)${escapeRegExp(folder)}([\\s):,]|$)`).test(reason)),
    );
  const deploysMarker = (object: GateObject): boolean => object.images?.includes(VULNERABLE_REF) === true;

  for (const id of injection.owners) {
    const object = now.get(id);
    if (object === undefined) {
      problems.push(`owner ${id} is no longer in the report`);
      continue;
    }
    if (object.status === 'blocked' && deploysMarker(object)) continue;
    if (object.status === 'unknown' && object.blocking !== false && namesInjectedFile(object)) continue;
    if (object.status === 'blocked-upstream' && was.get(id)?.status === 'blocked-upstream') continue;
    problems.push(
      `owner ${id} is ${object.status}${deploysMarker(object) ? ' (deploys the marker)' : ''}: ${object.reasons.join(' | ') || 'no reason'}`,
    );
  }

  // Objects the injection may change: the owners, whatever now deploys the marker or names an
  // injected file, and everything downstream of them (dependents and managed children).
  const affected = new Set<string>(injection.owners);
  for (const object of after.report.objects)
    if (deploysMarker(object) || namesInjectedFile(object)) affected.add(object.id);
  const downstream = new Map<string, string[]>();
  for (const node of [...(after.report.graph?.nodes ?? []), ...(before.report.graph?.nodes ?? [])]) {
    for (const dependency of node.dependsOn)
      downstream.set(dependency, [...(downstream.get(dependency) ?? []), node.id]);
    downstream.set(node.id, [...(downstream.get(node.id) ?? []), ...node.manages]);
  }
  const queue = [...affected];
  while (queue.length > 0) {
    for (const next of downstream.get(queue.pop()!) ?? []) {
      if (!affected.has(next)) {
        affected.add(next);
        queue.push(next);
      }
    }
  }
  // A build that stops (a limit, an unreadable file) no longer produces its children: they come
  // back as objects no cluster deploys (without their parent's namespace), blocking, with a
  // reason naming their file, which an affected object read before.
  const readByAffected = [...before.readers]
    .filter(([, readers]) => [...readers].some((id) => affected.has(id)))
    .map(([file]) => file);
  const orphaned = (object: GateObject | undefined): boolean =>
    object !== undefined &&
    object.status !== 'pass' &&
    object.reasons.some((reason) => readByAffected.some((file) => reason.includes(`reads ${file})`)));
  for (const id of [...new Set([...was.keys(), ...now.keys()])].sort()) {
    if (affected.has(id) || (!was.has(id) && orphaned(now.get(id)))) continue;
    const from = was.get(id)?.status ?? 'absent';
    const to = now.get(id)?.status ?? 'absent';
    if (from !== to)
      problems.push(
        `collateral change of ${id}: ${from} → ${to} (${now.get(id)?.reasons.join(' | ') ?? ''})`,
      );
  }
  return problems;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
