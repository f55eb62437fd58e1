/** What `get_weather` answers. */
export interface Weather {
  readonly city: string;
  readonly forecast: string;
  readonly temperature_c: number;
}

// Offline demo data: fixed answers for well-known cities, so a demo and its tests say the same thing.
const KNOWN: Readonly<Record<string, Omit<Weather, 'city'>>> = {
  paris: { forecast: 'sunny', temperature_c: 22 },
  london: { forecast: 'light rain', temperature_c: 14 },
  'new york': { forecast: 'partly cloudy', temperature_c: 18 },
  tokyo: { forecast: 'clear', temperature_c: 25 },
  berlin: { forecast: 'overcast', temperature_c: 16 },
  madrid: { forecast: 'sunny', temperature_c: 28 },
  rome: { forecast: 'sunny', temperature_c: 26 },
  lisbon: { forecast: 'windy', temperature_c: 20 },
  amsterdam: { forecast: 'drizzle', temperature_c: 13 },
  sydney: { forecast: 'windy', temperature_c: 19 },
  'san francisco': { forecast: 'foggy', temperature_c: 15 },
  beijing: { forecast: 'hazy', temperature_c: 21 },
  mumbai: { forecast: 'humid', temperature_c: 31 },
  toronto: { forecast: 'cold and clear', temperature_c: 4 },
};

/** The cities the demo knows by name; also the speech recogniser's extra vocabulary. */
export const KNOWN_CITIES: readonly string[] = Object.keys(KNOWN);

const OTHER_FORECASTS = ['sunny', 'cloudy', 'light rain', 'windy', 'clear'] as const;

/** Capitalizes each word: `new york` -> `New York`. */
export function cityName(city: string): string {
  return city
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/(^|[\s-])([a-z])/g, (_, gap: string, letter: string) => gap + letter.toUpperCase());
}

/** The first known city named in `text`, properly capitalized. */
export function findCity(text: string): string | undefined {
  const words = ` ${text
    .toLowerCase()
    .replace(/[^a-z\s-]+/g, ' ')
    .replace(/\s+/g, ' ')} `;
  const found = KNOWN_CITIES.find((city) => words.includes(` ${city} `));
  return found === undefined ? undefined : cityName(found);
}

/** Deterministic weather: known cities have fixed answers, others a stable one derived from the name. */
export function weatherFor(city: string): Weather {
  const name = cityName(city);
  const known = KNOWN[name.toLowerCase()];
  if (known) return { city: name, ...known };
  let hash = 0;
  for (const char of name.toLowerCase()) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  const forecast = OTHER_FORECASTS[hash % OTHER_FORECASTS.length] ?? 'clear';
  return { city: name, forecast, temperature_c: 5 + (hash % 25) };
}
