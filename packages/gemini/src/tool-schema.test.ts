import { describe, expect, it } from 'vitest';
import { geminiSchemaFromJsonSchema } from './tool-schema.js';

describe('geminiSchemaFromJsonSchema', () => {
  it('keeps the OpenAPI subset and drops what Gemini refuses', () => {
    expect(
      geminiSchemaFromJsonSchema({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        additionalProperties: false,
        properties: {
          tags: { type: 'array', items: { type: 'string', const: 'x' } },
          when: { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] },
          level: { type: ['integer', 'null'], minimum: 0 },
        },
        required: ['tags'],
      }),
    ).toEqual({
      type: 'OBJECT',
      properties: {
        tags: { type: 'ARRAY', items: { type: 'STRING', enum: ['x'] } },
        when: { anyOf: [{ type: 'STRING', format: 'date-time' }, { nullable: true }] },
        level: { type: 'INTEGER', nullable: true, minimum: 0 },
      },
      required: ['tags'],
    });
  });
});
