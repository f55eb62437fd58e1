/**
 * Whether a package's `engines.node` range admits a Node version: the comparators npm ranges use
 * (`>=`, `>`, `<=`, `<`, `=`, `^`, `~`, `x` wildcards, spaces for "and", `||` for "or"). Enough for the
 * ranges dependencies declare; prerelease tags are not handled (engines ranges do not use them).
 */
export function admits(range: string, version: string): boolean {
  const v = parse(version);
  return range.split('||').some((alternative) => {
    const comparators = alternative
      .trim()
      .replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1')
      .split(/\s+/);
    return comparators.every((comparator) => comparator === '' || satisfies(v, comparator));
  });
}

type Version = readonly [number, number, number];

function parse(text: string): Version {
  const [major = 0, minor = 0, patch = 0] = text
    .replace(/^v/, '')
    .split('.')
    .map((part) => (/^\d+$/.test(part) ? Number(part) : 0));
  return [major, minor, patch];
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

function satisfies(v: Version, comparator: string): boolean {
  const [, operator = '', rest = ''] = comparator.match(/^(>=|<=|>|<|=|\^|~)?(.*)$/) ?? [];
  if (rest === '*' || rest === 'x') return true;
  const parts = rest.replace(/^v/, '').split('.');
  const given = parts.filter((part) => /^\d+$/.test(part)).length;
  const bound = parse(rest);
  const order = compare(v, bound);
  switch (operator) {
    case '>=':
      return order >= 0;
    case '>':
      return order > 0;
    case '<=':
      return order <= 0;
    case '<':
      return order < 0;
    case '^':
      return order >= 0 && (bound[0] > 0 ? v[0] === bound[0] : v[0] === 0 && v[1] === bound[1]);
    case '~':
      return order >= 0 && v[0] === bound[0] && (given < 2 || v[1] === bound[1]);
    default:
      // "20", "20.x" or "20.19.0": every version the given parts name.
      return (
        (given < 1 || v[0] === bound[0]) &&
        (given < 2 || v[1] === bound[1]) &&
        (given < 3 || v[2] === bound[2])
      );
  }
}
