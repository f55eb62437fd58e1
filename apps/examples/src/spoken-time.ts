/** `14:00` -> `2 PM`, `09:30` -> `9:30 AM`: how a time reads aloud. */
export function speakableTime(time: string): string {
  const match = /^(\d{1,2}):(\d{2})$/.exec(time.trim());
  if (!match) return time;
  const hours = Number(match[1]);
  const minutes = match[2] ?? '00';
  const half = hours >= 12 ? 'PM' : 'AM';
  const twelve = hours % 12 === 0 ? 12 : hours % 12;
  return minutes === '00' ? `${twelve} ${half}` : `${twelve}:${minutes} ${half}`;
}
