/** The parts of an MCP `CallToolResult` that become the text the model reads. */
export interface MCPCallResult {
  readonly content?: readonly { readonly type: string; readonly [key: string]: unknown }[];
  readonly structuredContent?: unknown;
  readonly isError?: boolean;
}

/**
 * A tool result as text for the model: text parts as they are, other parts named (an image is not
 * read aloud), structured content as JSON when there is no text. Cut to `maxBytes` of UTF-8, saying
 * how much was left out, so a server cannot make the agent hold or send an unbounded result.
 */
export function resultText(result: MCPCallResult, maxBytes: number): string {
  const parts: string[] = [];
  for (const part of result.content ?? []) {
    if (part.type === 'text' && typeof part.text === 'string') parts.push(part.text);
    else if (part.type === 'resource') parts.push(resourceText(part.resource));
    else if (part.type === 'resource_link') parts.push(`[resource ${String(part.uri)}]`);
    else parts.push(`[${part.type}${typeof part.mimeType === 'string' ? ` ${part.mimeType}` : ''}]`);
  }
  let text = parts.join('\n');
  if (text === '' && result.structuredContent !== undefined) {
    text = JSON.stringify(result.structuredContent) ?? '';
  }
  return cutToBytes(text, maxBytes);
}

function resourceText(resource: unknown): string {
  const r = resource as { uri?: unknown; text?: unknown } | undefined;
  return typeof r?.text === 'string' ? r.text : `[resource ${String(r?.uri)}]`;
}

/** Cuts text to at most `maxBytes` of UTF-8 (on a character boundary) and says what was cut. */
export function cutToBytes(text: string, maxBytes: number): string {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= maxBytes) return text;
  const buffer = Buffer.from(text, 'utf8');
  let end = maxBytes;
  // Step back over UTF-8 continuation bytes so no character is split.
  while (end > 0 && ((buffer[end] ?? 0) & 0xc0) === 0x80) end--;
  return `${buffer.subarray(0, end).toString('utf8')}\n[result cut: ${bytes - end} more bytes]`;
}
