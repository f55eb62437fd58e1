/**
 * DashScope Qwen-Omni realtime: zod schemas and types for its client and server events (the OpenAI
 * beta dialect plus `input_image_buffer.append`), its flat session, and never-throwing parsers.
 *
 * @packageDocumentation
 */
export * from './events.js';
export * from './session.js';
