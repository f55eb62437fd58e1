import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';

/**
 * `fetch` whose answers to POSTs (one JSON-RPC response, or the event stream that carries it) may
 * not exceed `maxBytes`: past it the body errors and `onOversize` is told, so the server is treated as
 * faulty (its calls fail, it is reconnected) instead of the agent holding whatever it sends. The long-lived GET event stream is left alone; the messages on it are
 * notifications.
 */
export function boundedFetch(
  maxBytes: number,
  server: string,
  onOversize: (reason: string) => void,
  base: FetchLike = fetch,
): FetchLike {
  return async (url, init) => {
    const response = await base(url, init);
    if ((init?.method ?? 'GET').toUpperCase() !== 'POST' || !response.body) return response;
    let seen = 0;
    const limit = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > maxBytes) {
          const reason = `an answer from MCP server ${server} exceeded ${maxBytes} bytes`;
          controller.error(new Error(reason));
          onOversize(reason);
          return;
        }
        controller.enqueue(chunk);
      },
    });
    return new Response(response.body.pipeThrough(limit), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
