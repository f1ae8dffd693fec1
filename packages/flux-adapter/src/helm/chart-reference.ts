import type { ValueOrigin } from '../kustomize/provenance.js';
import type { Provenance } from '../kustomize/provenance.js';
import { isMap, type YamlMap } from '../kustomize/resource.js';
import { normalizeRelative } from '../source/repo-files.js';
import type { SourceTree } from '../source/source-tree.js';

/** The OCI media type of a Helm chart's content layer. */
export const HELM_CHART_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';

/** What every chart reference carries. */
interface ChartReferenceBase {
  /** The source (`kind/namespace/name`) the chart comes from. */
  readonly sourceId: string;
  /**
   * Where the repository chose this chart: the HelmRelease's `chart:` (or `chartRef:`) line, or
   * the OCIRepository's `ref` when that is what picks the version.
   */
  readonly origin: ValueOrigin | undefined;
  /** `spec.chart.spec.valuesFiles` (paths in the source for charts of a Git source, else in the chart). */
  readonly valuesFiles: readonly string[];
  readonly ignoreMissingValuesFiles: boolean;
}

/** Where a HelmRelease's chart comes from, as source-controller would fetch it. */
export type ChartReference =
  /** A chart folder inside a GitRepository, Bucket or ExternalArtifact mapped to the repository. */
  | (ChartReferenceBase & { readonly type: 'source-path'; readonly tree: SourceTree; readonly path: string })
  /** A chart of an HTTP(S) HelmRepository (`index.yaml`). */
  | (ChartReferenceBase & {
      readonly type: 'http';
      readonly repositoryUrl: string;
      readonly chart: string;
      /** The version constraint as written ('' for the default `*`). */
      readonly version: string;
    })
  /** A chart in an OCI registry (a `type: oci` HelmRepository, or an OCIRepository). */
  | (ChartReferenceBase & {
      readonly type: 'oci';
      /** `oci://host/path/chart`. */
      readonly url: string;
      /** A tag or version constraint ('' for the default `*`). */
      readonly version: string;
      /** `sha256:…`: wins over the version. */
      readonly digest?: string;
    });

/** A Flux source object found in the repository (rendered by a build, or written in a file). */
export interface FoundSource {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly spec: YamlMap;
}

/** What resolving needs from the load. */
export interface ChartReferenceContext {
  readonly provenance: Provenance;
  /** A source by kind, namespace and name, if the repository defines it. */
  findSource(kind: string, namespace: string, name: string): FoundSource | undefined;
  /** The tree of a source mapped to the repository (`kind/namespace/name`), or why not. */
  resolveTree(id: string): { readonly tree: SourceTree } | { readonly reason: string };
}

/**
 * Resolves the chart of a HelmRelease spec (`spec.chart.spec` or `spec.chartRef`) the way
 * source-controller would fetch it, or says why it cannot be (the reason names the field).
 */
export function resolveChartReference(
  spec: YamlMap,
  namespace: string,
  context: ChartReferenceContext,
): ChartReference | { readonly reason: string } {
  const template = isMap(spec.chart) && isMap(spec.chart.spec) ? spec.chart.spec : undefined;
  if (template) {
    const origin = context.provenance.originOf(spec, 'chart');
    return resolveChartSpec(template, namespace, origin, context);
  }
  const chartRef = isMap(spec.chartRef) ? spec.chartRef : undefined;
  if (!chartRef) return { reason: 'the HelmRelease names no chart (spec.chart or spec.chartRef)' };
  const kind = String(chartRef.kind ?? '');
  const name = String(chartRef.name ?? '');
  const sourceNamespace = typeof chartRef.namespace === 'string' ? chartRef.namespace : namespace;
  const sourceId = `${kind}/${sourceNamespace}/${name}`;
  const refOrigin = context.provenance.originOf(spec, 'chartRef');
  const source = context.findSource(kind, sourceNamespace, name);
  if (!source) return { reason: `${sourceId} (spec.chartRef) is not defined in the repository` };
  if (kind === 'HelmChart') {
    // A HelmChart's source is always in its own namespace.
    return resolveChartSpec(source.spec, sourceNamespace, refOrigin, context, sourceId);
  }
  if (kind !== 'OCIRepository') return { reason: `spec.chartRef to a ${kind} is not a chart source` };
  const url = typeof source.spec.url === 'string' ? source.spec.url.trim() : '';
  if (!url.startsWith('oci://')) return { reason: `${sourceId} has no oci:// spec.url` };
  const layerSelector = isMap(source.spec.layerSelector) ? source.spec.layerSelector : undefined;
  if (
    layerSelector &&
    typeof layerSelector.mediaType === 'string' &&
    layerSelector.mediaType !== HELM_CHART_LAYER
  ) {
    return {
      reason: `${sourceId} selects the layer ${layerSelector.mediaType}, which is not a Helm chart (${HELM_CHART_LAYER})`,
    };
  }
  const ref = isMap(source.spec.ref) ? source.spec.ref : {};
  const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');
  // OCIRepository precedence (source-controller `OCIRepositoryRef`): digest, then semver, then tag.
  const digest = text(ref.digest);
  const version = text(ref.semver) || text(ref.tag) || (digest ? '' : 'latest');
  const refKey = digest ? 'digest' : text(ref.semver) ? 'semver' : text(ref.tag) ? 'tag' : undefined;
  const origin = (refKey ? context.provenance.originOf(ref, refKey) : undefined) ?? refOrigin;
  return {
    type: 'oci',
    sourceId,
    url,
    version,
    ...(digest ? { digest } : {}),
    origin,
    valuesFiles: [],
    ignoreMissingValuesFiles: false,
  };
}

function resolveChartSpec(
  template: YamlMap,
  namespace: string,
  origin: ValueOrigin | undefined,
  context: ChartReferenceContext,
  via?: string,
): ChartReference | { readonly reason: string } {
  const chart = typeof template.chart === 'string' ? template.chart.trim() : '';
  const version = typeof template.version === 'string' ? template.version.trim() : '';
  const sourceRef = isMap(template.sourceRef) ? template.sourceRef : {};
  const kind = String(sourceRef.kind ?? '');
  const name = String(sourceRef.name ?? '');
  const sourceNamespace =
    via === undefined && typeof sourceRef.namespace === 'string' ? sourceRef.namespace : namespace;
  const sourceId = `${kind}/${sourceNamespace}/${name}`;
  const listed = Array.isArray(template.valuesFiles)
    ? template.valuesFiles.filter((file): file is string => typeof file === 'string')
    : typeof template.valuesFile === 'string'
      ? [template.valuesFile]
      : [];
  // source-controller `BuildOptions.GetValuesFiles`: the chart's own values.yaml alone changes nothing.
  const valuesFiles =
    listed.length === 1 && normalizeRelative(listed[0] ?? '') === 'values.yaml' ? [] : listed;
  const base = {
    sourceId,
    origin: (isMap(template) ? context.provenance.originOf(template, 'chart') : undefined) ?? origin,
    valuesFiles,
    ignoreMissingValuesFiles: template.ignoreMissingValuesFiles === true,
  };
  if (chart === '') return { reason: `${via ?? 'spec.chart.spec'} names no chart` };
  if (kind === 'HelmRepository') {
    const source = context.findSource(kind, sourceNamespace, name);
    if (!source) return { reason: `${sourceId} is not defined in the repository: its URL is unknown` };
    const url = typeof source.spec.url === 'string' ? source.spec.url.trim() : '';
    if (url.startsWith('oci://') || source.spec.type === 'oci') {
      return { ...base, type: 'oci', url: `${url.replace(/\/+$/, '')}/${chart}`, version };
    }
    if (!/^https?:\/\//.test(url)) return { reason: `${sourceId} has no http(s) or oci URL` };
    return { ...base, type: 'http', repositoryUrl: url, chart, version };
  }
  if (kind === 'GitRepository' || kind === 'Bucket' || kind === 'ExternalArtifact') {
    const resolved = context.resolveTree(sourceId);
    if ('reason' in resolved) return { reason: resolved.reason };
    const path = normalizeRelative(chart);
    if (path === undefined) return { reason: `chart path ${chart} leaves the source ${sourceId}` };
    return { ...base, type: 'source-path', tree: resolved.tree, path };
  }
  return { reason: `charts from a ${kind || 'source of no kind'} are not supported` };
}
