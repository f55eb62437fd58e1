import { describe, expectTypeOf, it } from 'vitest';
import type {
  AudioFormat,
  CLIENT_EVENT_TYPES,
  ClientEvent,
  ClientEventOf,
  MODEL_EVENT_TYPES,
  ModelEvent,
  ModelEventInput,
  ModelEventOf,
  SERVER_EVENT_TYPES,
  ServerEvent,
  ServerEventOf,
} from './index.js';

// These checks run in the type checker (`tsc --noEmit` covers test files); the `it` bodies only make
// the file a test suite.

describe('public types', () => {
  it('type lists are exactly the union members', () => {
    expectTypeOf<(typeof CLIENT_EVENT_TYPES)[number]>().toEqualTypeOf<ClientEvent['type']>();
    expectTypeOf<(typeof SERVER_EVENT_TYPES)[number]>().toEqualTypeOf<ServerEvent['type']>();
    expectTypeOf<(typeof MODEL_EVENT_TYPES)[number]>().toEqualTypeOf<ModelEvent['type']>();
  });

  it('AudioFormat is canonical', () => {
    expectTypeOf<AudioFormat>().toEqualTypeOf<{
      type: 'audio/pcm' | 'audio/pcmu' | 'audio/pcma';
      rate: number;
    }>();
  });

  it('*EventOf narrows to one member', () => {
    expectTypeOf<ClientEventOf<'client_audio_append'>['format']>().toEqualTypeOf<AudioFormat>();
    expectTypeOf<ServerEventOf<'agent_response_interrupted'>['audio_end_ms']>().toEqualTypeOf<number>();
    expectTypeOf<ServerEventOf<'room_floor_changed'>['agent_id']>().toEqualTypeOf<string | null>();
    expectTypeOf<ModelEventOf<'model_response_done'>['status']>().toEqualTypeOf<
      'completed' | 'cancelled' | 'failed' | 'incomplete'
    >();
  });

  it('output types have defaults filled; input types leave them optional', () => {
    expectTypeOf<ModelEventOf<'model_error'>['fatal']>().toEqualTypeOf<boolean>();
    expectTypeOf<{
      type: 'model_error';
      error_type: string;
      code: string;
      message: string;
    }>().toExtend<ModelEventInput>();
  });

  it('session_id is optional on client events', () => {
    expectTypeOf<{ type: 'client_audio_commit' }>().toExtend<ClientEvent>();
  });
});
