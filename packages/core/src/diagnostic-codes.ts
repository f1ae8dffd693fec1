/**
 * What a diagnostic does to the gate. `unknown`: the object whose build read the diagnosed input
 * (the diagnostic's `object`; in plain mode the object or file itself) could not be reproduced
 * exactly as Flux would build it, so its images are not known: it is `unknown`, which blocks
 * when failing closed (`onScanError: block`, the default). `none`: the diagnostic informs and
 * changes no verdict.
 */
export type DiagnosticEffect = 'unknown' | 'none';

/** One row of {@link DIAGNOSTIC_CODES}. */
export interface DiagnosticCodeInfo {
  readonly effect: DiagnosticEffect;
  /** One sentence: what the code means. `docs/diagnostics.md` repeats it. */
  readonly meaning: string;
}

/**
 * Every diagnostic code Sluice emits, with its effect on the verdict. This table is the single
 * source of truth: the gate reads the effect from it, `docs/diagnostics.md` lists the same rows
 * (a test compares both and checks that every code emitted in the sources is here).
 *
 * The rule behind each `unknown`: when Sluice cannot reproduce a build exactly as Flux does
 * (input it cannot read or parse, a feature it does not implement, a value only the cluster
 * knows), an empty answer would let an unscanned image through, so the answer is `unknown`.
 */
export const DIAGNOSTIC_CODES = {
  // Reading files.
  'file-too-large': { effect: 'unknown', meaning: 'A file is larger than the size limit; it is not read.' },
  'binary-file': { effect: 'unknown', meaning: 'A manifest file holds NUL bytes; it is not read.' },
  'invalid-encoding': {
    effect: 'unknown',
    meaning: 'A file is not UTF-8 (UTF-16, Latin-1…); Flux may read it, Sluice does not.',
  },
  unreadable: { effect: 'unknown', meaning: 'A file or folder cannot be read (permissions, I/O error).' },
  'yaml-syntax': {
    effect: 'unknown',
    meaning: 'A YAML document does not parse; only that document is lost.',
  },
  'yaml-line-separator': {
    effect: 'unknown',
    meaning:
      "A file holds U+2028, U+2029 or U+0085, which Flux's YAML parser (go-yaml) reads as line breaks and Sluice's does not.",
  },
  'helm-template': {
    effect: 'unknown',
    meaning: 'A manifest is a Helm/Go template ({{ … }}), not YAML Kubernetes can apply.',
  },
  'not-kubernetes': {
    effect: 'none',
    meaning:
      'Plain mode: a YAML document without apiVersion and kind (a values or config file); counted, skipped.',
  },
  'path-outside-root': {
    effect: 'unknown',
    meaning: 'A path (resource, patch, generator file) leaves the source root; Flux refuses it.',
  },
  'path-not-found': { effect: 'none', meaning: 'A folder given to loadManifests does not exist.' },
  'path-ignored': {
    effect: 'none',
    meaning: 'A folder given to loadManifests is excluded by the ignore rules.',
  },
  'symlink-outside-root': {
    effect: 'none',
    meaning: 'Plain mode: a symbolic link leads outside the root; it is not followed.',
  },
  'symlink-dropped': {
    effect: 'none',
    meaning:
      "A symbolic link in a Flux source: source-controller's artifact holds regular files only, so Flux never sees it. A link the ignore rules leave out anyway (`node_modules/` in `.sourceignore`) is dropped without this note.",
  },
  'broken-symlink': {
    effect: 'none',
    meaning: 'A symbolic link to nothing (or a link loop); nothing is read.',
  },
  'symlink-loop': {
    effect: 'none',
    meaning: 'A folder link leads back into its own parents; not entered again.',
  },

  // Flux objects and entry folders.
  'entry-not-found': { effect: 'none', meaning: 'An entry folder given to the loader does not exist.' },
  'invalid-flux-object': {
    effect: 'unknown',
    meaning:
      'A Kustomization or HelmRelease Flux refuses: the API server rejects it against its CRD (a wrong type, a missing required field), or the controller cannot read it.',
  },
  'flux-field-pruned': {
    effect: 'none',
    meaning: 'A field the Flux CRD does not have: the API server drops it (pruning) and applies the rest.',
  },
  'flux-metadata-not-string': {
    effect: 'none',
    meaning:
      'A label or annotation value that is not a string (true, 3): Flux applies the object, selectors match its text; Sluice reads the text.',
  },
  'duplicate-flux-object': {
    effect: 'unknown',
    meaning:
      'A Flux object is defined twice in one cluster with different content; Flux applies both, Sluice reads the first.',
  },
  'flux-object-unreached': {
    effect: 'none',
    meaning: 'A Flux object no Kustomization build reaches: Flux never applies it.',
  },
  'artifact-copy-unsupported': {
    effect: 'unknown',
    meaning: 'An ArtifactGenerator copy rule Sluice cannot reproduce; the artifact content is unknown.',
  },

  // kustomize builds.
  'invalid-kustomization': { effect: 'unknown', meaning: 'A kustomization file is not a YAML mapping.' },
  'kustomization-missing': {
    effect: 'unknown',
    meaning: 'A folder used as a resource has no kustomization file (kustomize fails).',
  },
  'kustomization-cycle': {
    effect: 'unknown',
    meaning: 'Kustomizations include each other (kustomize fails); the cycle is not followed.',
  },
  'resource-missing': {
    effect: 'unknown',
    meaning: 'A kustomize resource does not exist (kustomize fails).',
  },
  'component-missing': {
    effect: 'unknown',
    meaning: 'A kustomize component does not exist (kustomize fails).',
  },
  'kustomize-duplicate-id': {
    effect: 'unknown',
    meaning:
      'Two resources of one kustomization have the same id (kustomize fails; Flux applies nothing of the build).',
  },
  'not-a-kubernetes-object': {
    effect: 'unknown',
    meaning: 'A resource document has no apiVersion and kind (kustomize fails).',
  },
  'patch-file-missing': { effect: 'unknown', meaning: 'A patch file does not exist (kustomize fails).' },
  'patch-failed': { effect: 'unknown', meaning: 'A patch cannot be applied as kustomize would.' },
  'patch-without-target': {
    effect: 'unknown',
    meaning: 'A JSON 6902 patch has no target (kustomize fails).',
  },
  'patch-target-not-found': {
    effect: 'unknown',
    meaning: 'A patch names a target the build does not contain (kustomize fails).',
  },
  'generator-file-missing': {
    effect: 'unknown',
    meaning: 'A configMapGenerator/secretGenerator input file does not exist (kustomize fails).',
  },
  'replacement-file-missing': {
    effect: 'unknown',
    meaning: 'A replacements file does not exist (kustomize fails).',
  },
  'replacement-source-missing': {
    effect: 'unknown',
    meaning: 'A replacement source object or field does not exist (kustomize fails).',
  },
  'remote-resource': {
    effect: 'unknown',
    meaning:
      "A remote kustomize input (a git or https base or component, an http(s) generator file) Sluice did not build: not fetched (the default, offline), an unpinned ref, a refused URL, or a failed fetch (git's message). Flux fetches and deploys it.",
  },
  'remote-base-fetched': {
    effect: 'none',
    meaning:
      'A remote base or component was fetched (--remote-bases fetch) or read from the cache, and built: the note names its URL, ref, commit and any mirror.',
  },
  'kustomize-field-unsupported': {
    effect: 'unknown',
    meaning: 'A kustomization field the built-in renderer does not apply (vars, configurations, openapi).',
  },
  'kustomize-transformer-unsupported': {
    effect: 'unknown',
    meaning: 'A transformers: entry that is not a built-in Sluice implements.',
  },
  'kustomize-generator-unsupported': {
    effect: 'unknown',
    meaning: 'A generators: entry (a plugin or KRM function) Sluice cannot run.',
  },
  'helm-chart-not-rendered': {
    effect: 'unknown',
    meaning:
      'A kustomization inflates Helm charts (helmCharts); kustomize-controller refuses them (no --enable-helm).',
  },
  'render-failed': { effect: 'unknown', meaning: 'The kubectl kustomize renderer failed on a folder.' },
  'build-limit': {
    effect: 'unknown',
    meaning: 'A build exceeds a resource limit (objects, nesting, expansion); the rest is not built.',
  },

  // postBuild substitution.
  'invalid-variable-name': {
    effect: 'unknown',
    meaning: 'A postBuild variable name Flux refuses; the substitution (and the build) fails.',
  },
  'substitution-failed': {
    effect: 'unknown',
    meaning: "Flux's envsubst refuses the object text (bad substitution syntax); the build fails.",
  },
  'undefined-variables': {
    effect: 'unknown',
    meaning:
      'Variables without a value or default: kustomize-controller 1.9+ fails the build (strict), older ones use "".',
  },
  'substitute-from-missing': {
    effect: 'none',
    meaning:
      'A postBuild.substituteFrom ConfigMap or Secret is not in the repository (it may exist in the cluster).',
  },
  'variable-from-cluster': {
    effect: 'unknown',
    meaning:
      'An object uses a variable that a substituteFrom ConfigMap or Secret missing from the repository may define.',
  },

  // Images.
  'invalid-image-reference': {
    effect: 'unknown',
    meaning: 'An image field does not hold a valid image reference.',
  },
  'unresolved-variable': {
    effect: 'unknown',
    meaning: 'An image still holds a ${VAR} that nothing defines.',
  },
  'encrypted-image': {
    effect: 'unknown',
    meaning: 'An image field is SOPS-encrypted (ENC[…]); only the cluster can decrypt it.',
  },
  'walk-limit': {
    effect: 'unknown',
    meaning: 'An object is too large or too deeply nested to search completely for images.',
  },
  'uncovered-custom-resource': {
    effect: 'none',
    meaning:
      'A custom resource kind with no known image fields: Sluice found no image in it (an operator may still run one).',
  },

  // HelmReleases.
  'values-from-missing': {
    effect: 'unknown',
    meaning:
      'A HelmRelease valuesFrom ConfigMap or Secret is not in the repository (values only the cluster knows).',
  },
  'values-key-missing': {
    effect: 'unknown',
    meaning: 'A HelmRelease valuesFrom key is missing from its ConfigMap or Secret.',
  },

  // The dependency graph.
  'missing-dependency': {
    effect: 'none',
    meaning: 'A dependsOn entry names no object; Flux waits for it forever (the dependent is never applied).',
  },
  'dependency-refused': {
    effect: 'none',
    meaning:
      'A dependsOn entry names an object the API server refuses (invalid-flux-object); Flux waits for it as for a missing one.',
  },
  'cross-kind-depends-on': {
    effect: 'none',
    meaning: 'A dependsOn entry names an object of the other kind, which Flux does not follow.',
  },
  'depends-on-cycle': { effect: 'none', meaning: 'Objects depend on each other; Flux never applies them.' },
  'behind-cycle': {
    effect: 'none',
    meaning: 'An object depends on a dependsOn cycle; Flux never applies it.',
  },
  'duplicate-object': {
    effect: 'none',
    meaning: 'An object id is defined twice in one cluster; the gate merges the images of both.',
  },
  'unknown-parent': {
    effect: 'none',
    meaning: 'An object names a parent Kustomization that is not in the graph.',
  },

  // Policy, scanner and reports.
  'invalid-ignore': { effect: 'none', meaning: 'A line of an ignore file cannot be read; it is skipped.' },
  'expired-ignore': {
    effect: 'none',
    meaning: 'An ignore rule has expired; it no longer suppresses findings.',
  },
  'ignore-section-unused': {
    effect: 'none',
    meaning:
      '.trivyignore.yaml holds a section Sluice does not apply (misconfigurations, secrets, licenses).',
  },
  'policy-file-refused': {
    effect: 'none',
    meaning:
      'A repository ignore file is not a regular file inside the repository (a link, a FIFO, too large); it is not applied, so it suppresses nothing.',
  },
  'invalid-trivy-report': {
    effect: 'none',
    meaning: 'An existing Trivy report cannot be read; its image counts as not scanned.',
  },
} as const satisfies Readonly<Record<string, DiagnosticCodeInfo>>;

/** A diagnostic code Sluice emits: a key of {@link DIAGNOSTIC_CODES}. */
export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

/**
 * The effect of a diagnostic code on the verdict. A code Sluice does not know (from a plugin, or
 * a report of another version) has no effect.
 */
export function diagnosticEffect(code: string): DiagnosticEffect {
  return Object.hasOwn(DIAGNOSTIC_CODES, code) ? DIAGNOSTIC_CODES[code as DiagnosticCode].effect : 'none';
}

/** True when the diagnostic means its object's build could not be reproduced exactly. */
export function makesUnknown(diagnostic: { readonly code: string }): boolean {
  return diagnosticEffect(diagnostic.code) === 'unknown';
}
