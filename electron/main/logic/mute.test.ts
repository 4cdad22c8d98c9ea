import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMuted, muteLabel, muteUntil, startOfNextLocalDay } from './mute';

const iso = (ms: number) => new Date(ms).toISOString();
const localDate = (ms: number, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));

describe('muteUntil', () => {
  const now = Date.parse('2026-03-10T16:20:00.000Z');

  it('15 minutes and 1 hour are plain durations', () => {
    expect(muteUntil('15m', now, 'UTC') - now).toBe(15 * 60_000);
    expect(muteUntil('1h', now, 'Asia/Tokyo') - now).toBe(3600_000);
  });

  it('"until tomorrow" is the next local midnight in the user\'s zone', () => {
    expect(iso(muteUntil('tomorrow', now, 'UTC'))).toBe('2026-03-11T00:00:00.000Z');
    expect(iso(muteUntil('tomorrow', now, 'Europe/London'))).toBe('2026-03-11T00:00:00.000Z');
    expect(iso(muteUntil('tomorrow', now, 'America/New_York'))).toBe('2026-03-11T04:00:00.000Z'); // EDT since 8 March
    expect(iso(muteUntil('tomorrow', now, 'Asia/Tokyo'))).toBe('2026-03-11T15:00:00.000Z'); // 01:20 on the 11th in Tokyo already
    expect(iso(muteUntil('tomorrow', now, 'Asia/Kolkata'))).toBe('2026-03-10T18:30:00.000Z');
    expect(iso(muteUntil('tomorrow', now, 'Pacific/Kiritimati'))).toBe('2026-03-11T10:00:00.000Z'); // UTC+14
    expect(iso(muteUntil('tomorrow', now, 'Pacific/Pago_Pago'))).toBe('2026-03-11T11:00:00.000Z'); // UTC-11
  });

  it('across a DST change the night is 23 or 25 hours, not 24', () => {
    // New York springs forward on 8 March 2026: the 8th lasts 23 h.
    expect(iso(startOfNextLocalDay(Date.parse('2026-03-08T05:00:00.000Z'), 'America/New_York'))).toBe('2026-03-09T04:00:00.000Z');
    // London falls back on 25 October 2026: the 25th lasts 25 h.
    expect(iso(startOfNextLocalDay(Date.parse('2026-10-24T23:30:00.000Z'), 'Europe/London'))).toBe('2026-10-26T00:00:00.000Z');
  });

  it('where midnight itself is skipped, the day starts at the first instant that exists', () => {
    // Chile springs forward at 24:00 on 5 September 2026 (Saturday → Sunday 01:00).
    const next = startOfNextLocalDay(Date.parse('2026-09-05T12:00:00.000Z'), 'America/Santiago');
    expect(localDate(next, 'America/Santiago')).toBe('2026-09-06');
    expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'America/Santiago', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(next)).toBe('01:00');
  });

  it('is always the first minute of the next local day, in any zone (property)', () => {
    const zones = ['UTC', 'Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Sao_Paulo', 'America/Santiago', 'Asia/Tokyo', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Pacific/Kiritimati', 'Pacific/Apia', 'America/St_Johns'];
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2030-12-31T00:00:00Z') }), fc.constantFrom(...zones), (now, tz) => {
        const next = startOfNextLocalDay(now, tz);
        expect(next).toBeGreaterThan(now);
        expect(next % 60_000).toBe(0);
        expect(localDate(next, tz) > localDate(now, tz)).toBe(true);
        expect(localDate(next - 60_000, tz) <= localDate(now, tz)).toBe(true);
        expect(next - now).toBeLessThanOrEqual(26 * 3600_000);
      }),
      { numRuns: 300 },
    );
  });
});

describe('mute state', () => {
  it('is muted strictly before the end', () => {
    expect(isMuted(null, 0)).toBe(false);
    expect(isMuted(100, 99)).toBe(true);
    expect(isMuted(100, 100)).toBe(false);
  });

  it('labels the end in the user\'s zone, with the weekday when it is not today', () => {
    const now = Date.parse('2026-03-10T16:20:00.000Z'); // a Tuesday
    expect(muteLabel(now + 15 * 60_000, now, 'Europe/Berlin')).toBe('Muted until 17:35');
    expect(muteLabel(muteUntil('tomorrow', now, 'Europe/Berlin'), now, 'Europe/Berlin')).toBe('Muted until Wed 00:00');
    expect(muteLabel(now - 1, now, 'UTC')).toBeNull();
  });
});
