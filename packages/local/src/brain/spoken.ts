const NUMBER_WORDS: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  thirty: 30,
  'forty five': 45,
  noon: 12,
};

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

function numberFrom(word: string | undefined): number | undefined {
  if (word === undefined) return undefined;
  if (/^\d+$/.test(word)) return Number(word);
  return NUMBER_WORDS[word];
}

/**
 * A clock time in words or digits ("two pm", "2:30 p.m.", "at 14:00", "noon") as `HH:MM`, or undefined.
 * For rule arguments: speech recognisers write numbers either way.
 */
export function spokenTime(text: string): string | undefined {
  const t = text.toLowerCase().replace(/\./g, '');
  if (/\bnoon\b/.test(t)) return '12:00';
  const word = '(\\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)';
  const minutes = '(?:[: ](\\d{2}|fifteen|thirty|forty five))?';
  const m = new RegExp(`\\b${word}${minutes}\\s*(am|pm|a m|p m|o'?clock)?\\b`).exec(t);
  if (!m) return undefined;
  let hour = numberFrom(m[1]);
  const minute = numberFrom(m[2]) ?? 0;
  const suffix = m[3]?.replace(' ', '');
  if (hour === undefined || hour > 23 || minute > 59) return undefined;
  if (!suffix && !m[2] && !/\bat\s+$/.test(t.slice(0, m.index))) return undefined;
  if (suffix === 'pm' && hour < 12) hour += 12;
  if (suffix === 'am' && hour === 12) hour = 0;
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/** A day named in words ("today", "tomorrow", "monday") or an ISO date, as written, or undefined. */
export function spokenDate(text: string): string | undefined {
  const t = text.toLowerCase();
  const iso = /\b\d{4}-\d{2}-\d{2}\b/.exec(t);
  if (iso) return iso[0];
  const day = /\b(today|tomorrow|day after tomorrow)\b/.exec(t)?.[1];
  if (day) return day;
  return WEEKDAYS.find((d) => new RegExp(`\\b${d}\\b`).test(t));
}
