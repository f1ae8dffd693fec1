import type { Diagnostic } from '@sluice/core';

/** Limits of one kustomize build; past any of them the build ends in `build-limit` (unknown). */
export interface BuildLimits {
  /**
   * Kustomizations and components entered, counting each time one is included (a folder two
   * overlays include counts twice). A "diamond" of N levels enters 2^N folders.
   * @default 5000
   */
  readonly maxFolders?: number;
  /** Objects read from resource files, each time a file is included. @default 500000 */
  readonly maxObjects?: number;
  /** Kustomizations nested in one another (a base of a base of …). @default 100 */
  readonly maxDepth?: number;
}

/** The default {@link BuildLimits}: far above any real repository (the largest build of the home-ops corpus enters 97 kustomizations). */
export const DEFAULT_BUILD_LIMITS: Required<BuildLimits> = {
  maxFolders: 5000,
  maxObjects: 500_000,
  maxDepth: 100,
};

/**
 * What one build has used of its {@link BuildLimits}. kustomize has no such limits, so a build
 * past one is not reproduced: one `build-limit` error says which limit and where, and the build
 * stops growing (its objects so far are kept, the Kustomization is unknown). Without them a
 * pull request could make Sluice run for minutes or crash, as a 17-level diamond of bases did.
 */
export class BuildBudget {
  readonly #limits: Required<BuildLimits>;
  #folders = 0;
  #objects = 0;
  #exceeded = false;

  constructor(limits: BuildLimits = {}) {
    this.#limits = { ...DEFAULT_BUILD_LIMITS, ...limits };
  }

  /** True once a limit was passed: nothing more is built. */
  get exceeded(): boolean {
    return this.#exceeded;
  }

  /**
   * Counts a kustomization entered at `depth` (1 for the build's root). False, with the
   * `build-limit` diagnostic on the first refusal, when a limit is passed.
   */
  enter(depth: number, where: { file: string; line: number }, diagnostics: Diagnostic[]): boolean {
    if (this.#exceeded) return false;
    this.#folders += 1;
    if (this.#folders > this.#limits.maxFolders)
      return this.#refuse(
        `it includes more than ${this.#limits.maxFolders} kustomizations and components (counting each inclusion)`,
        where,
        diagnostics,
      );
    if (depth > this.#limits.maxDepth)
      return this.#refuse(
        `kustomizations are nested more than ${this.#limits.maxDepth} deep`,
        where,
        diagnostics,
      );
    return true;
  }

  /** Counts `count` objects read from a file; false (and the diagnostic once) past the limit. */
  addObjects(count: number, where: { file: string; line: number }, diagnostics: Diagnostic[]): boolean {
    if (this.#exceeded) return false;
    this.#objects += count;
    if (this.#objects > this.#limits.maxObjects)
      return this.#refuse(
        `it reads more than ${this.#limits.maxObjects} objects (counting each inclusion of a file)`,
        where,
        diagnostics,
      );
    return true;
  }

  #refuse(reason: string, where: { file: string; line: number }, diagnostics: Diagnostic[]): false {
    this.#exceeded = true;
    diagnostics.push({
      file: where.file,
      line: where.line,
      severity: 'error',
      code: 'build-limit',
      message: `This kustomize build stops at ${where.file}:${where.line}: ${reason}; the rest is not built, so what it deploys is unknown`,
    });
    return false;
  }
}
