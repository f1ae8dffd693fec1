import type { Diagnostic } from '@sluice/core';
import type { Provenance, ValueOrigin } from '../kustomize/provenance.js';
import { splitImage } from '../kustomize/images-transformer.js';
import { isMap, kindOf, metaString, type YamlMap } from '../kustomize/resource.js';
import { findObjectImages } from '../images/find-object-images.js';
import type { InvalidImageField } from '../images/find-pod-images.js';
import { ImageSet } from '../images/image-set.js';
import { invalidImageDiagnostic } from '../images/invalid-image.js';
import { normalizeImage } from '../images/normalize.js';
import type { RenderedObject } from './render-chart.js';
import { findValuesImages } from './values-images.js';

/** What locating rendered images needs. */
export interface ChartImagesContext {
  /** `HelmRelease/namespace/name`. */
  readonly releaseId: string;
  /** The release namespace: objects without one land there. */
  readonly namespace: string;
  readonly chart: { readonly name: string; readonly version: string };
  /** The line that chose the chart (`chart:`, `chartRef:` or the OCIRepository `ref`). */
  readonly chartOrigin: ValueOrigin | undefined;
  /** Where the HelmRelease is written, when nothing more precise is known. */
  readonly fallback: { readonly file: string; readonly line: number };
  /** The values written in the repository (valuesFiles of a Git source, valuesFrom, spec.values). */
  readonly values: YamlMap;
  readonly provenance: Provenance;
}

interface ValueHint {
  readonly origin: ValueOrigin | undefined;
}

/** A `{registry?, repository, tag?}` value: matched by repository path, as charts prefix registries. */
interface RepositoryHint extends ValueHint {
  readonly repository: string;
  /** '' when the chart decides the tag. */
  readonly tag: string;
}

/**
 * Collects the images of a rendered chart and locates each one in the repository:
 * 1. a post-renderer override (`images:` entry, patch) that wrote the field: its line;
 * 2. a value written in the repository whose text is the same reference (a string, or a
 *    `{registry, repository, tag|digest}` map): that value;
 * 3. a value that names the same repository while the chart chose the tag: that value;
 * 4. otherwise the image is a chart default: the line that chose the chart, with the chart's
 *    name, version and template in the location.
 */
export function collectChartImages(
  objects: readonly RenderedObject[],
  context: ChartImagesContext,
  diagnostics: Diagnostic[],
): ImageSet {
  const hints = indexValueHints(context.values, context.provenance);
  const images = new ImageSet();
  for (const { object, template } of objects) {
    const kind = kindOf(object);
    const name = metaString(object, 'name') ?? '';
    const namespace = metaString(object, 'namespace') ?? context.namespace;
    const invalid: InvalidImageField[] = [];
    for (const field of findObjectImages(object, invalid)) {
      const override = context.provenance.originOf(field.container, field.key);
      const normalized = normalizeImage(field.image);
      const ref = 'ref' in normalized ? normalized.ref : undefined;
      const hint = ref
        ? (hints.exact.get(ref) ??
          hints.byName.get(splitImage(ref).name) ??
          matchRepository(ref, hints.repositories))
        : undefined;
      const origin = override ?? hint?.origin;
      const diagnostic = images.add(
        {
          image: field.image,
          origin: origin ?? context.chartOrigin,
          fallback: context.fallback,
          kind,
          namespace,
          name,
          ...(field.containerName ? { container: field.containerName } : {}),
          fieldPath: field.fieldPath,
          ...(origin ? {} : { chart: { ...context.chart, template } }),
        },
        context.releaseId,
      );
      if (diagnostic) diagnostics.push(diagnostic);
    }
    for (const field of invalid) {
      diagnostics.push(
        invalidImageDiagnostic(
          field,
          context.chartOrigin,
          context.fallback,
          { kind, name: `${name} (chart ${context.chart.name} ${template})` },
          context.releaseId,
        ),
      );
    }
  }
  return images;
}

/**
 * The values that can have produced a rendered image: full references (by normalized ref) and
 * repositories whose tag the chart decides (by normalized name).
 */
function indexValueHints(
  values: YamlMap,
  provenance: Provenance,
): { exact: Map<string, ValueHint>; byName: Map<string, ValueHint>; repositories: RepositoryHint[] } {
  const exact = new Map<string, ValueHint>();
  const byName = new Map<string, ValueHint>();
  const repositories: RepositoryHint[] = [];
  for (const found of findValuesImages(values, 'spec.values', provenance)) {
    const { name, tag } = splitImage(found.image);
    // The repository path without a registry host: charts put their own or the global registry in front.
    const [first = '', ...rest] = name.split('/');
    const path = rest.length > 0 && /[.:]|^localhost$/.test(first) ? rest.join('/') : name;
    repositories.push({ origin: found.origin, repository: path, tag: found.chartDecidesTag ? '' : tag });
    const normalized = normalizeImage(found.image);
    if (!('ref' in normalized)) continue;
    if (found.chartDecidesTag) {
      if (!byName.has(splitImage(normalized.ref).name)) byName.set(splitImage(normalized.ref).name, found);
    } else if (!exact.has(normalized.ref)) {
      exact.set(normalized.ref, found);
    }
  }
  // Any other string value that is a whole reference with a tag or digest (`image: repo:tag`
  // under a key that does not end in "image", an args list, …).
  const visited = new Set<object>();
  const visit = (node: unknown): void => {
    if (typeof node !== 'object' || node === null || visited.has(node)) return;
    visited.add(node);
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === 'string' && /[:@]/.test(value) && !/\s|^[a-z]+:\/\//i.test(value)) {
        const normalized = normalizeImage(value.trim());
        if ('ref' in normalized && !exact.has(normalized.ref))
          exact.set(normalized.ref, {
            origin: provenance.originOf(node, Array.isArray(node) ? Number(key) : key),
          });
      } else if (isMap(value) || Array.isArray(value)) visit(value);
    }
  };
  visit(values);
  return { exact, byName, repositories };
}

/**
 * A value whose repository ends the rendered image's name (a chart put `global.imageRegistry`
 * or its own registry in front) with the same tag, or with the tag left to the chart.
 */
function matchRepository(ref: string, hints: readonly RepositoryHint[]): ValueHint | undefined {
  const { name, tag } = splitImage(ref);
  return hints.find(
    (hint) =>
      hint.repository !== '' &&
      (name === hint.repository || name.endsWith(`/${hint.repository}`)) &&
      (hint.tag === '' || hint.tag === tag),
  );
}
