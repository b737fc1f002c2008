// An image as the model may receive it: PNG, JPEG, GIF or WebP, the long edge at most 1568 px and the
// bytes at most 3.75 MB (5 MB once base64-encoded). Bigger or other images are scaled and re-encoded
// with sharp (libvips); what already fits is passed on untouched.
import { readFile } from 'node:fs/promises';
import sharp, { type OutputInfo } from 'sharp';

export const MAX_IMAGE_EDGE = 1568;
export const MAX_IMAGE_BYTES = Math.floor(3.75 * 1024 * 1024);

export type ImageMediaType = 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp';

export interface ModelImage {
  mediaType: ImageMediaType;
  /** Base64 of the bytes. */
  data: string;
  width: number;
  height: number;
  /** True when the image was scaled down or re-encoded. */
  scaled: boolean;
}

const MEDIA_TYPES: Record<string, ImageMediaType> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
};

/** Falling JPEG qualities tried until the image fits. */
const QUALITIES = [85, 75, 65, 50, 35];

async function encode(
  bytes: Buffer,
  hasAlpha: boolean,
): Promise<{ data: Buffer; info: OutputInfo; mediaType: ImageMediaType }> {
  const resized = () =>
    sharp(bytes)
      .rotate() // applies the EXIF orientation a phone camera writes, before the metadata is dropped
      .resize({ width: MAX_IMAGE_EDGE, height: MAX_IMAGE_EDGE, fit: 'inside', withoutEnlargement: true });
  if (hasAlpha) {
    const png = await resized().png({ compressionLevel: 9 }).toBuffer({ resolveWithObject: true });
    if (png.data.length <= MAX_IMAGE_BYTES) return { ...png, mediaType: 'image/png' };
  }
  let last: { data: Buffer; info: OutputInfo } | undefined;
  for (const quality of QUALITIES) {
    last = await resized()
      .flatten({ background: '#ffffff' })
      .jpeg({ quality })
      .toBuffer({ resolveWithObject: true });
    if (last.data.length <= MAX_IMAGE_BYTES) break;
  }
  if (!last) throw new Error('no JPEG quality to try');
  return { ...last, mediaType: 'image/jpeg' };
}

/** The image at `bytes`, made acceptable to the model; throws when the bytes are not an image sharp reads. */
export async function prepareImage(bytes: Buffer): Promise<ModelImage> {
  const metadata = await sharp(bytes).metadata();
  const mediaType = MEDIA_TYPES[metadata.format ?? ''];
  const width = metadata.width ?? 0;
  const height = metadata.height ?? 0;
  // EXIF orientations 5-8 swap width and height; passing those on untouched would show the photo on its side.
  const rotated = (metadata.orientation ?? 1) > 1;
  const fits = Math.max(width, height) <= MAX_IMAGE_EDGE && bytes.length <= MAX_IMAGE_BYTES;
  if (mediaType && fits && !rotated) {
    return { mediaType, data: bytes.toString('base64'), width, height, scaled: false };
  }
  const encoded = await encode(bytes, metadata.hasAlpha === true);
  return {
    mediaType: encoded.mediaType,
    data: encoded.data.toString('base64'),
    width: encoded.info.width,
    height: encoded.info.height,
    scaled: true,
  };
}

export async function prepareImageFile(file: string): Promise<ModelImage> {
  return prepareImage(await readFile(file));
}
