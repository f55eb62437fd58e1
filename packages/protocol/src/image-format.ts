import { z } from 'zod';

/** Image types the providers accept as realtime input. */
export const IMAGE_MIME_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

/** The canonical image format: `{ mime_type: 'image/jpeg' }`. */
export const canonicalImageFormatSchema = z.object({ mime_type: z.enum(IMAGE_MIME_TYPES) });

/** An image format in canonical form. */
export type ImageFormat = z.infer<typeof canonicalImageFormatSchema>;

type ImageMimeType = ImageFormat['mime_type'];

const MIME_ALIASES: ReadonlyMap<string, ImageMimeType> = new Map([
  ['image/jpeg', 'image/jpeg'],
  ['image/jpg', 'image/jpeg'],
  ['jpeg', 'image/jpeg'],
  ['jpg', 'image/jpeg'],
  ['image/png', 'image/png'],
  ['png', 'image/png'],
  ['image/webp', 'image/webp'],
  ['webp', 'image/webp'],
]);

const rawImageFormatSchema = z.union(
  [
    z.string().max(64),
    z.object({
      mime_type: z.string().max(64).optional(),
      mimeType: z.string().max(64).optional(),
      type: z.string().max(64).optional(),
    }),
  ],
  { error: `expected { mime_type } with one of ${IMAGE_MIME_TYPES.join(', ')}` },
);

/** An image format as accepted on input, before normalization. */
export type ImageFormatInput = z.input<typeof rawImageFormatSchema>;

/**
 * An image format as accepted on the wire: `{ mime_type }` (canonical), `{ mimeType }` (Gemini's
 * spelling), `{ type }`, or a bare string; `jpg`/`image/jpg` mean JPEG. Always outputs `{ mime_type }`.
 */
export const imageFormatSchema = rawImageFormatSchema.transform((raw, ctx): ImageFormat => {
  const name = typeof raw === 'string' ? raw : (raw.mime_type ?? raw.mimeType ?? raw.type);
  const path = typeof raw === 'string' ? [] : [fieldOf(raw)];
  const mime = name === undefined ? undefined : MIME_ALIASES.get(name.trim().toLowerCase());
  if (!mime) {
    ctx.issues.push({
      code: 'custom',
      path,
      input: name,
      message: `${name === undefined ? 'missing image type' : `unknown image type "${name}"`}; expected one of ${IMAGE_MIME_TYPES.join(', ')}`,
    });
    return z.NEVER as never;
  }
  return { mime_type: mime };
});

function fieldOf(raw: { mime_type?: string; mimeType?: string; type?: string }): string {
  if (raw.mime_type !== undefined) return 'mime_type';
  if (raw.mimeType !== undefined) return 'mimeType';
  if (raw.type !== undefined) return 'type';
  return 'mime_type';
}
