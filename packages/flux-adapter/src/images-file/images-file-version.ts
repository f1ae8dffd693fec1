/** The version of the images file this Sluice writes and reads. */
export const IMAGES_FILE_VERSION = 1;
