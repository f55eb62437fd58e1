/** A state value as people read it: `session.listening`, parallel regions joined with ` | `. */
export function activeLeavesOfValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return value == null ? '' : String(value);
  return Object.entries(value)
    .map(([key, sub]) => {
      const rest = activeLeavesOfValue(sub);
      return rest === '' ? key : `${key}.${rest}`;
    })
    .join(' | ');
}
