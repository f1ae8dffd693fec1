export {
  IMAGES_FILE_VERSION,
  ImagesFile,
  ImagesFileDependsOn,
  ImagesFileWorkload,
} from './images-file-schema.js';
export type { ImagesFileInput, CreateImagesFileOptions } from './create-images-file.js';
export { createImagesFile, serializeImagesFile, toRepositoryModel } from './create-images-file.js';
export { INVALID_IMAGES_FILE, parseImagesFile } from './parse-images-file.js';
