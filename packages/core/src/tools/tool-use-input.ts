/**
 * The `input` of a `tool_use` in a model event: the raw arguments as a JSON object, or null when
 * they are not one (bad JSON, an array, a scalar). `raw_input` keeps the text either way, so a
 * model that streams broken arguments is reported, never guessed at.
 */
export function toolUseInput(raw: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(raw);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
