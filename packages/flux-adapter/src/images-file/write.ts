// `@sluice/flux-adapter/images-file`: writing the images file (`sluice images --format json`)
// without the rest of the adapter and its schemas (zod), which a plain-manifest run never needs.
// Bundlers put every module reached through the package's main entry in one chunk; this entry
// keeps the writer in a chunk of its own.
export type { CreateImagesFileOptions, ImagesFileInput } from './create-images-file.js';
export { createImagesFile, serializeImagesFile } from './create-images-file.js';
export { IMAGES_FILE_VERSION } from './images-file-version.js';
