import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { imageFormatSchema } from './image-format.js';

describe('image format', () => {
  it.each([
    [{ mime_type: 'image/jpeg' }, 'image/jpeg'],
    [{ mimeType: 'image/png' }, 'image/png'],
    [{ type: 'image/webp' }, 'image/webp'],
    ['image/jpg', 'image/jpeg'],
    ['jpeg', 'image/jpeg'],
    [{ mime_type: 'JPG' }, 'image/jpeg'],
    ['png', 'image/png'],
  ])('%j normalizes to { mime_type: %s }', (input, mime) => {
    expect(imageFormatSchema.parse(input)).toEqual({ mime_type: mime });
  });

  it('rejects an unknown image type at the field that named it', () => {
    const result = z.object({ format: imageFormatSchema }).safeParse({ format: { mimeType: 'image/gif' } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['format', 'mimeType']);
    expect(result.error?.issues[0]?.message).toBe(
      'unknown image type "image/gif"; expected one of image/jpeg, image/png, image/webp',
    );
  });

  it('rejects a format that is neither a string nor an object', () => {
    const result = z.object({ format: imageFormatSchema }).safeParse({ format: 42 });
    expect(result.error?.issues[0]?.path).toEqual(['format']);
    expect(result.error?.issues[0]?.message).toBe(
      'expected { mime_type } with one of image/jpeg, image/png, image/webp',
    );
  });
});
