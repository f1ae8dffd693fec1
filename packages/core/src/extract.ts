// `@sluice/core/extract`: what finding images in plain manifests and writing them out needs (the
// YAML parser with positions, image extraction, unique images, deterministic orders), without
// the schemas (zod) and the rest of the SDK that `@sluice/core` brings. The bundled CLI's plain
// mode imports these from here; bundlers put every module reached through the package's main
// entry in one chunk, so a plain run would otherwise load and evaluate every schema.
export type { ManifestStream } from './load-manifests.js';
export { streamManifestFiles } from './load-manifests.js';
export { parseManifests } from './manifest.js';
export { extractImages } from './extract-images.js';
export { collectUniqueImages, compareLocations } from './unique-images.js';
export { compareDiagnostics } from './compare-diagnostics.js';
export { compareStrings } from './compare-strings.js';
export { escapeJsonForTerminal } from './terminal-safe-json.js';
