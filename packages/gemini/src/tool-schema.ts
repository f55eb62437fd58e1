import type { JsonSchema, ToolDefinition } from '@chorus/core/provider';
import type { GeminiFunctionDeclaration } from '@chorus/protocol/gemini';

// Gemini's `parameters` takes an OpenAPI 3.0 subset, not full JSON Schema: it refuses `$schema`,
// `additionalProperties`, `$ref`, `const` and type arrays. Zod's JSON Schema output has all of those.
const KEPT_KEYS = new Set([
  'type',
  'format',
  'description',
  'nullable',
  'enum',
  'properties',
  'required',
  'items',
  'minItems',
  'maxItems',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'anyOf',
  'propertyOrdering',
  'title',
  'default',
  'example',
]);

/**
 * Converts a JSON Schema to the OpenAPI subset Gemini accepts in `parameters`: drops what it refuses,
 * upper-cases `type`, turns `type: [x, 'null']` into `nullable`, `const` into a one-value `enum`.
 */
export function geminiSchemaFromJsonSchema(schema: JsonSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'type') {
      const types = (Array.isArray(value) ? value : [value]).filter(
        (t): t is string => typeof t === 'string',
      );
      const real = types.filter((t) => t !== 'null');
      if (real.length > 0) out.type = real[0]?.toUpperCase();
      if (real.length < types.length) out.nullable = true;
    } else if (key === 'const') {
      out.enum = [value];
    } else if (key === 'properties' && isObject(value)) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [
          name,
          isObject(sub) ? geminiSchemaFromJsonSchema(sub) : {},
        ]),
      );
    } else if (key === 'items' && isObject(value)) {
      out.items = geminiSchemaFromJsonSchema(value);
    } else if ((key === 'anyOf' || key === 'oneOf') && Array.isArray(value)) {
      out.anyOf = value.filter(isObject).map((sub) => geminiSchemaFromJsonSchema(sub));
    } else if (KEPT_KEYS.has(key)) {
      out[key] = value;
    }
  }
  if (out.enum !== undefined && out.type === undefined) out.type = 'STRING';
  return out;
}

/** How tool parameters go on the wire: the converted OpenAPI subset (all models) or JSON Schema verbatim (newer models). */
export type ToolSchemaField = 'parameters' | 'parametersJsonSchema';

/** A Chorus tool as a Gemini function declaration. */
export function functionDeclarationOf(
  tool: ToolDefinition,
  field: ToolSchemaField,
): GeminiFunctionDeclaration {
  const declaration: GeminiFunctionDeclaration = { name: tool.name, description: tool.description };
  if (field === 'parametersJsonSchema') declaration.parametersJsonSchema = tool.parameters;
  else declaration.parameters = geminiSchemaFromJsonSchema(tool.parameters);
  return declaration;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
