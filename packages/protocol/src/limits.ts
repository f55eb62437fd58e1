/**
 * Size caps for untrusted wire input. Each cap bounds the memory one event may pin and the time a
 * parser spends on it; a frame over a cap is rejected with a clear error instead of being buffered.
 */

/** Identifiers (session, item, response, call, agent ids and names). Real ids are < 100 chars. */
export const MAX_ID_CHARS = 256;

/** One `client_text_append` (32 KiB): a long typed message, far more than one spoken turn. */
export const MAX_TEXT_CHARS = 32 * 1024;

/** Session instructions (64 KiB): system prompts are long but still a bounded document. */
export const MAX_INSTRUCTIONS_CHARS = 64 * 1024;

/**
 * One base64 audio frame (1 MiB of base64, 768 KiB of PCM: 16 s at 24 kHz, 24 s at 16 kHz).
 * Clients send 20-100 ms frames; anything near this cap is a bug or abuse.
 */
export const MAX_AUDIO_BASE64_CHARS = 1024 * 1024;

/** One base64 image (1 MiB of base64, 768 KiB of image; DashScope itself takes JPEG <= 500 KB). */
export const MAX_IMAGE_BASE64_CHARS = 1024 * 1024;

/** One tool result or tool-call argument text (256 KiB): tool outputs go into the model context. */
export const MAX_TOOL_TEXT_CHARS = 256 * 1024;

/** Blocks in one tool output given as a list (AgentScope's text/image/audio/video blocks). */
export const MAX_TOOL_BLOCKS = 16;

/**
 * A whole client event before JSON parsing (1.5 MiB): the largest field cap plus room for the
 * envelope. Measured in bytes for binary frames and UTF-16 code units for strings.
 */
export const MAX_CLIENT_EVENT_SIZE = 1536 * 1024;

/**
 * A whole server or model event (8 MiB). These come from our own backend or a provider, so the cap
 * only guards against runaway frames, not against hostile clients.
 */
export const MAX_SERVER_EVENT_SIZE = 8 * 1024 * 1024;

/** Nesting depth of any parsed event; deeper input is rejected before it reaches recursive code. */
export const MAX_EVENT_DEPTH = 64;

/**
 * JSON values in one client event (objects, arrays and the members between commas). Real events hold
 * tens to a few thousand (a session with many tool schemas); half a million empty objects fit in one
 * frame under {@link MAX_CLIENT_EVENT_SIZE}, and building and checking them is what this cap prevents.
 */
export const MAX_EVENT_NODES = 16_384;
