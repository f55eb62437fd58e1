import { MAX_EVENT_DEPTH } from './limits.js';

/**
 * Rejects `__proto__` keys and `constructor.prototype` pairs anywhere (they pollute prototypes in code
 * that merges objects, and zod's passthrough copy of unknown keys is such code), and nesting deeper
 * than {@link MAX_EVENT_DEPTH} (which would overflow recursive code downstream).
 * Iterative, so hostile depth cannot overflow this check itself.
 */
export function findUnsafeStructure(root: object): { path: string; message: string } | undefined {
  const stack: { value: object; path: (string | number)[] }[] = [{ value: root, path: [] }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { value, path } = next;
    if (path.length > MAX_EVENT_DEPTH) {
      return { path: formatPath(path), message: `nested deeper than ${MAX_EVENT_DEPTH} levels` };
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (typeof item === 'object' && item !== null) stack.push({ value: item, path: [...path, i] });
      }
      continue;
    }
    if (Object.hasOwn(value, '__proto__')) {
      return { path: formatPath([...path, '__proto__']), message: 'the key "__proto__" is not allowed' };
    }
    for (const key of Object.keys(value)) {
      const item: unknown = (value as Record<string, unknown>)[key];
      if (typeof item !== 'object' || item === null) continue;
      if (key === 'constructor' && Object.hasOwn(item, 'prototype')) {
        return {
          path: formatPath([...path, key, 'prototype']),
          message: 'the key "constructor.prototype" is not allowed',
        };
      }
      stack.push({ value: item, path: [...path, key] });
    }
  }
  return undefined;
}

/** `['format', 'rate']` -> `format.rate`; `['call_ids', 2]` -> `call_ids[2]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}
