// Muting desktop notifications for a while. "Until tomorrow" means the start of the next
// calendar day in the user's own time zone, which is not always 24 h away (DST) and not
// always at 00:00 (zones whose DST change skips midnight).

export type MuteChoice = '15m' | '1h' | 'tomorrow';
export const MUTE_CHOICES: readonly MuteChoice[] = ['15m', '1h', 'tomorrow'];

const MINUTE = 60_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Calendar date and wall-clock time of an instant in a time zone. */
function wallClock(ms: number, timeZone: string): { y: number; m: number; d: number; h: number; min: number } {
  const parts = formatter(timeZone).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return { y: get('year'), m: get('month'), d: get('day'), h: get('hour'), min: get('minute') };
}

/** Days since the epoch of a local calendar date (for comparing dates, not instants). */
const dayNumber = (w: { y: number; m: number; d: number }) => Math.floor(Date.UTC(w.y, w.m - 1, w.d) / 86_400_000);

/**
 * The first instant whose local calendar date, in timeZone, is the day after now's.
 * Offsets change only on whole minutes, so a minute-granular search from 14 h before
 * UTC midnight of that date (the largest UTC offset) finds it; a bisection keeps it cheap.
 */
export function startOfNextLocalDay(now: number, timeZone: string): number {
  const target = dayNumber(wallClock(now, timeZone)) + 1;
  const isOnOrAfter = (ms: number) => dayNumber(wallClock(ms, timeZone)) >= target;
  // Bracket: lo is certainly before the target day (local offsets span -12 h to +14 h).
  let lo = Math.floor((target * 86_400_000 - 15 * 3600_000) / MINUTE);
  let hi = Math.ceil((target * 86_400_000 + 13 * 3600_000) / MINUTE);
  if (lo * MINUTE <= now) lo = Math.floor(now / MINUTE);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (isOnOrAfter(mid * MINUTE)) hi = mid;
    else lo = mid;
  }
  return hi * MINUTE;
}

/** When a mute chosen now ends (epoch ms). */
export function muteUntil(choice: MuteChoice, now: number, timeZone: string): number {
  switch (choice) {
    case '15m':
      return now + 15 * MINUTE;
    case '1h':
      return now + 60 * MINUTE;
    case 'tomorrow':
      return startOfNextLocalDay(now, timeZone);
  }
}

export const isMuted = (until: number | null, now: number) => until !== null && now < until;

/** "Muted until 17:45" (same day) or "Muted until Tue 00:00", in the user's zone; null when not muted. */
export function muteLabel(until: number | null, now: number, timeZone: string): string | null {
  if (!isMuted(until, now)) return null;
  const sameDay = dayNumber(wallClock(until!, timeZone)) === dayNumber(wallClock(now, timeZone));
  const fmt = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23', ...(sameDay ? {} : { weekday: 'short' }) });
  return `Muted until ${fmt.format(new Date(until!))}`;
}
