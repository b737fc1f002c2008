import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { MAX_IMAGE_BYTES, MAX_IMAGE_EDGE, prepareImage } from '../../../src/telegram/inbound/image.ts';

const solid = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#2266aa' } });

/** Random pixels: barely compressible, so the byte limit matters. */
function noise(width: number, height: number) {
  const pixels = randomBytes(width * height * 3);
  return sharp(pixels, { raw: { width, height, channels: 3 } });
}

describe('images for the model', () => {
  it('passes an image that already fits through untouched', async () => {
    const png = await solid(800, 600).png().toBuffer();
    const image = await prepareImage(png);
    expect(image).toMatchObject({ mediaType: 'image/png', width: 800, height: 600, scaled: false });
    expect(Buffer.from(image.data, 'base64')).toEqual(png);
  });

  it('scales the long edge down to 1568 px, keeping the proportions', async () => {
    const big = await solid(4000, 3000).jpeg().toBuffer();
    const image = await prepareImage(big);
    expect(image).toMatchObject({
      mediaType: 'image/jpeg',
      width: MAX_IMAGE_EDGE,
      height: 1176,
      scaled: true,
    });
    const decoded = await sharp(Buffer.from(image.data, 'base64')).metadata();
    expect([decoded.width, decoded.height]).toEqual([MAX_IMAGE_EDGE, 1176]);
  });

  it('brings an image over 3.75 MB under it', async () => {
    const heavy = await noise(1500, 1500).png().toBuffer();
    expect(heavy.length).toBeGreaterThan(MAX_IMAGE_BYTES);
    const image = await prepareImage(heavy);
    expect(image.scaled).toBe(true);
    expect(Buffer.from(image.data, 'base64').length).toBeLessThanOrEqual(MAX_IMAGE_BYTES);
  });

  it('keeps transparency as PNG, and converts formats the model does not take', async () => {
    const transparent = await sharp({
      create: { width: 3000, height: 100, channels: 4, background: '#00000000' },
    })
      .png()
      .toBuffer();
    expect(await prepareImage(transparent)).toMatchObject({ mediaType: 'image/png', width: MAX_IMAGE_EDGE });
    const tiff = await solid(50, 50).tiff().toBuffer();
    expect(await prepareImage(tiff)).toMatchObject({ mediaType: 'image/jpeg', scaled: true });
  });

  it('turns a photo the right way up as its EXIF orientation says', async () => {
    const sideways = await solid(200, 100).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    expect(await prepareImage(sideways)).toMatchObject({ width: 100, height: 200, scaled: true });
  });

  it('throws on bytes that are not an image', async () => {
    await expect(prepareImage(Buffer.from('not an image'))).rejects.toThrow();
  });
});
