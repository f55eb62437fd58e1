/**
 * The largest image DashScope takes, in bytes: the docs say "at most 500 KB"; 500,000 bytes is
 * within either reading of KB, so nothing sent is refused for its size.
 */
export const DASHSCOPE_MAX_IMAGE_BYTES = 500_000;

const JPEG_TYPES = new Set(['image/jpeg', 'image/jpg']);

/**
 * Why DashScope would refuse this image, or undefined when it takes it. The docs allow JPEG (JPG)
 * only, at most 500 KB, and only after audio has been sent in the session. Chorus has no JPEG
 * encoder, so other formats are refused here rather than converted.
 */
export function imageRefusal(image: Uint8Array, mimeType: string, audioSent: boolean): string | undefined {
  const isJpeg = image[0] === 0xff && image[1] === 0xd8 && image[2] === 0xff;
  if (!JPEG_TYPES.has(mimeType.toLowerCase()) || !isJpeg)
    return `image: DashScope takes JPEG images only (got ${mimeType}${isJpeg ? '' : ', and the bytes are not JPEG'}); convert it to JPEG first`;
  if (image.byteLength > DASHSCOPE_MAX_IMAGE_BYTES)
    return `image: ${image.byteLength} bytes is over DashScope's 500 KB (${DASHSCOPE_MAX_IMAGE_BYTES} bytes) limit`;
  if (!audioSent)
    return 'image: DashScope takes images only after audio has been sent in the session; send audio first';
  return undefined;
}
