import type { YamlMap } from '../kustomize/resource.js';

/** What a Helm renderer is asked to template. */
export interface HelmRenderRequest {
  /** `HelmRelease/namespace/name`. */
  readonly id: string;
  readonly releaseName: string;
  readonly namespace: string;
  /** The chart: `chart.spec` (name, version, source) or `chartRef`. */
  readonly chart: {
    readonly name?: string;
    readonly version?: string;
    readonly sourceKind: string;
    readonly sourceId: string;
    /** The source's URL (HelmRepository or OCIRepository `spec.url`), when found in the repository. */
    readonly url?: string;
  };
  /** The merged values (valuesFrom, then spec.values). */
  readonly values: YamlMap;
  readonly signal?: AbortSignal;
}

/** The manifests `helm template` produced, or why it could not run. */
export type HelmRenderResult = { readonly manifests: readonly YamlMap[] } | { readonly error: string };

/**
 * Renders a HelmRelease's chart (for example by running `helm template`), so that images that
 * only exist in chart defaults are found. Optional: without one, images come from values only.
 */
export interface HelmRenderer {
  readonly name: string;
  render(request: HelmRenderRequest): Promise<HelmRenderResult>;
}
