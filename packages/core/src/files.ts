// `@sluice/core/files`: what reading a folder needs before anything is parsed, without the YAML
// parser, the schemas (zod) and the rest of the SDK that `@sluice/core` brings. The bundled CLI
// imports these from here so that a run that stops early (an empty folder, a usage error) loads
// only them; bundlers put every module reached through the package's main entry in one chunk.
export { SluiceError, isSluiceError } from './errors.js';
export { defaultCacheDirectory } from './cache-directory.js';
export type { ManifestFiles } from './walk-manifest-files.js';
export { readManifestFile, walkManifestFiles } from './walk-manifest-files.js';
export type { PolicyFileResult } from './policy/read-policy-file.js';
export { MAX_POLICY_FILE_SIZE, readRepositoryPolicyFile } from './policy/read-policy-file.js';
export { writeFileAtomic } from './write-file-atomic.js';
