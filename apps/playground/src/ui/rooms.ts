/** The demo rooms `chorus serve` starts; used when the gateway does not list its rooms. */
export const DEMO_ROOMS = ['assistant', 'two-agents', 'streaming-chat'] as const;

/**
 * The rooms to offer: `?rooms=a,b` if given, else the gateway's `/rooms` list (`["a"]` or
 * `{ rooms: ["a"] | [{ name: "a" }] }`) if it has one, else the demo rooms.
 */
export async function loadRooms(
  location: { href: string },
  fetcher: typeof fetch = fetch,
): Promise<string[]> {
  const page = new URL(location.href);
  const given = page.searchParams.get('rooms');
  if (given)
    return given
      .split(',')
      .map((r) => r.trim())
      .filter((r) => r !== '');
  try {
    const base = new URL(page.searchParams.get('gateway') ?? '/', page);
    if (base.protocol === 'ws:') base.protocol = 'http:';
    if (base.protocol === 'wss:') base.protocol = 'https:';
    const response = await fetcher(new URL('/rooms', base), { headers: { accept: 'application/json' } });
    if (response.ok) {
      const names = roomNames(await response.json());
      if (names.length > 0) return names;
    }
  } catch {
    // No list: fall back to the demo rooms.
  }
  return [...DEMO_ROOMS];
}

/** Reads room names out of the shapes a `/rooms` endpoint may answer with. */
export function roomNames(body: unknown): string[] {
  const list = Array.isArray(body)
    ? body
    : body !== null && typeof body === 'object' && Array.isArray((body as { rooms?: unknown }).rooms)
      ? ((body as { rooms: unknown[] }).rooms as unknown[])
      : [];
  return list
    .map((entry) =>
      typeof entry === 'string'
        ? entry
        : entry !== null &&
            typeof entry === 'object' &&
            typeof (entry as { name?: unknown }).name === 'string'
          ? (entry as { name: string }).name
          : undefined,
    )
    .filter((name): name is string => name !== undefined && name !== '');
}
