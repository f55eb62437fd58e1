/** One part of a multipart/form-data body. */
export interface FormPart {
  readonly name: string;
  readonly filename?: string;
  readonly contentType?: string;
  readonly data: Uint8Array;
}

/** The boundary of a `multipart/form-data; boundary=...` content type, or undefined. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\b/i.test(contentType)) return undefined;
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * Parses a multipart/form-data body (RFC 7578) into its parts. Throws with a reason when the body is
 * malformed: what a real server answers with a 400.
 */
export function parseMultipart(body: Uint8Array, boundary: string): FormPart[] {
  const encoder = new TextEncoder();
  const delimiter = encoder.encode(`--${boundary}`);
  const parts: FormPart[] = [];
  let position = indexOf(body, delimiter, 0);
  if (position < 0) throw new Error('multipart body does not contain its boundary');
  for (;;) {
    position += delimiter.length;
    // "--" after a delimiter closes the body
    if (body[position] === 0x2d && body[position + 1] === 0x2d) return parts;
    if (body[position] === 0x0d && body[position + 1] === 0x0a) position += 2;
    const headerEnd = indexOf(body, encoder.encode('\r\n\r\n'), position);
    if (headerEnd < 0) throw new Error('multipart part has no header end');
    const headers = new TextDecoder().decode(body.subarray(position, headerEnd)).split('\r\n');
    const next = indexOf(body, encoder.encode(`\r\n--${boundary}`), headerEnd + 4);
    if (next < 0) throw new Error('multipart body is not terminated');
    let name: string | undefined;
    let filename: string | undefined;
    let contentType: string | undefined;
    for (const header of headers) {
      const [key, ...rest] = header.split(':');
      const value = rest.join(':').trim();
      if (key?.toLowerCase() === 'content-disposition') {
        name = /\bname="([^"]*)"/i.exec(value)?.[1];
        filename = /\bfilename="([^"]*)"/i.exec(value)?.[1];
      } else if (key?.toLowerCase() === 'content-type') contentType = value;
    }
    if (name === undefined) throw new Error('multipart part has no name in Content-Disposition');
    parts.push({
      name,
      ...(filename !== undefined ? { filename } : {}),
      ...(contentType !== undefined ? { contentType } : {}),
      data: body.slice(headerEnd + 4, next),
    });
    position = next + 2;
  }
}
