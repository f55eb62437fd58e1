export const PROTOCOL_VERSION = 1;
export type AudioFormat = { type: 'audio/pcm' | 'audio/pcmu' | 'audio/pcma'; rate: number };
export type ModelEvent = { type: string };
export type ClientEvent = { type: string };
export type ServerEvent = { type: string };
