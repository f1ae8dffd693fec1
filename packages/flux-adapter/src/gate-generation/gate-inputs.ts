import { createHash } from 'node:crypto';
import type { Diagnostic, ImageEntry, Policy } from '@sluice/core';
import { compareStrings, escapeJsonForTerminal, toPolicyConfig } from '@sluice/core';
import { createImagesFile, mergeImages, serializeImagesFile } from '../images-file/create-images-file.js';
import type { ImagesFile, ImagesFileWorkload } from '../images-file/images-file-schema.js';
import type { FluxWorkload } from '../model.js';
import { workloadId } from '../model.js';

/** What the gate's Job reads, as the files of its ConfigMap. */
export interface GateInputs {
  /** `images.json`: the images file of the gated cluster. */
  readonly imagesJson: string;
  /** `policy.json`: the policy, as a Sluice config file. */
  readonly policyJson: string;
  /** The images the Job scans, sorted. */
  readonly images: string[];
  /** SHA-256 of both files: the ConfigMap's name carries it. */
  readonly hash: string;
}

/** The gate Kustomization itself, as it appears in the repository once committed. */
export interface GateSelf {
  readonly name: string;
  readonly namespace: string;
  /** The file that holds it. */
  readonly file: string;
  /** Its `spec.path`. */
  readonly path: string;
  /** Its source, `kind/namespace/name`. */
  readonly source: string;
  /** The Kustomization whose build creates it. */
  readonly parent?: string;
  readonly cluster?: string;
  /** The Kustomizations that will depend on it. */
  readonly gated: readonly string[];
}

/**
 * The files the in-cluster scan reads: the images file of the repository (or of one cluster) as
 * it will be once the gate is committed and wired in, and the policy of this run. "Once
 * committed" means: the gate Kustomization is listed, without the Sluice image its Job runs (a
 * gate cannot judge the scanner it runs on, and the files must not depend on themselves), and
 * each gated Kustomization depends on it. So the in-cluster scan decides as `sluice scan` of
 * the committed repository in CI, and generating the gate again gives the same files.
 */
export function buildGateInputs(
  model: {
    workloads: readonly FluxWorkload[];
    images?: readonly ImageEntry[];
    diagnostics?: readonly Diagnostic[];
  },
  policy: Policy,
  gate: GateSelf,
  cluster: string | undefined,
): GateInputs {
  const file = createImagesFile(
    {
      workloads: model.workloads,
      images: model.images ?? mergeImages(model.workloads),
      diagnostics: model.diagnostics ?? [],
    },
    { mode: 'flux', ...(cluster === undefined ? {} : { cluster }) },
  );
  const wired = wireGate(file, gate);
  const imagesJson = serializeImagesFile(wired);
  const policyJson = `${escapeJsonForTerminal(JSON.stringify(toPolicyConfig(policy), null, 2))}\n`;
  const hash = createHash('sha256').update(imagesJson).update('\0').update(policyJson).digest('hex');
  return { imagesJson, policyJson, images: wired.images.map((image) => image.ref), hash };
}

/** The images file once the gate is committed: see {@link buildGateInputs}. */
function wireGate(file: ImagesFile, gate: GateSelf): ImagesFile {
  // In a repository with several clusters ids carry the cluster: so does the gate's.
  const qualified = file.workloads.some(
    (workload) => workload.cluster !== undefined && workload.id.startsWith(`${workload.cluster}:`),
  );
  const gateId = workloadId('Kustomization', gate.namespace, gate.name, qualified ? gate.cluster : undefined);
  const gated = new Set(gate.gated);
  const dependsOnGate = (workload: ImagesFileWorkload): boolean =>
    workload.dependsOn.some(
      (entry) => entry.name === gate.name && (entry.namespace ?? workload.namespace) === gate.namespace,
    );
  const workloads = file.workloads.map((workload): ImagesFileWorkload => {
    if (workload.id === gateId) return { ...workload, images: [] };
    if (!gated.has(workload.id) || dependsOnGate(workload)) return workload;
    return {
      ...workload,
      dependsOn: [...workload.dependsOn, { name: gate.name, namespace: gate.namespace }],
    };
  });
  if (!workloads.some((workload) => workload.id === gateId)) {
    workloads.push({
      id: gateId,
      kind: 'Kustomization',
      namespace: gate.namespace,
      name: gate.name,
      ...(gate.cluster === undefined ? {} : { cluster: gate.cluster }),
      ...(gate.parent === undefined ? {} : { parent: gate.parent }),
      file: gate.file,
      line: 1,
      dependsOn: [],
      suspended: false,
      method: 'rendered',
      source: gate.source,
      path: gate.path,
      images: [],
    });
    workloads.sort((a, b) => compareStrings(a.id, b.id) || compareStrings(a.cluster ?? '', b.cluster ?? ''));
  }
  const listed = new Set(workloads.flatMap((workload) => workload.images));
  const images = file.images.flatMap((image) => {
    const locations = image.locations.flatMap((location) => {
      if (!location.fluxObjects?.includes(gateId)) return [location];
      const fluxObjects = location.fluxObjects.filter((object) => object !== gateId);
      return fluxObjects.length > 0 ? [{ ...location, fluxObjects }] : [];
    });
    return locations.length > 0 || listed.has(image.ref) ? [{ ref: image.ref, locations }] : [];
  });
  return {
    ...file,
    summary: {
      workloads: workloads.length,
      unresolved: workloads.filter((workload) => workload.method === 'unresolved').length,
      images: images.length,
    },
    workloads,
    images,
  };
}
