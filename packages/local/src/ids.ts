/** Makes short ids with a prefix, unique within one model instance and deterministic for tests. */
export function idMaker(scope: string): (kind: string) => string {
  let counter = 0;
  return (kind) => `${kind}_${scope}_${++counter}`;
}
