import { describe, expect, it } from 'vitest';
import { addDays, dayOf, dayWindow, instantAt, isDay, parseClock, parseDay } from '../../src/analytics/briefing/time.js';
import { dueDay, nextRunAt } from '../../src/analytics/briefing/scheduler.js';
import { loadBriefingConfig } from '../../src/analytics/briefing/config.js';
import { RadarError } from '../../src/core/errors.js';

// Day boundaries decide every figure of the briefing: a KST day is
// 15:00 UTC the day before up to 15:00 UTC, and zones with daylight saving
// have 23- and 25-hour days.

describe('briefing days and times', () => {
  it('a KST day runs from 15:00 UTC the day before', () => {
    expect(dayWindow('2026-11-25', 'Asia/Seoul')).toEqual({ from: '2026-11-24T15:00:00.000Z', to: '2026-11-25T15:00:00.000Z' });
    expect(dayOf(new Date('2026-11-24T14:59:59.999Z'), 'Asia/Seoul')).toBe('2026-11-24');
    expect(dayOf(new Date('2026-11-24T15:00:00.000Z'), 'Asia/Seoul')).toBe('2026-11-25');
  });

  it('daylight-saving days are 23 and 25 hours long', () => {
    const spring = dayWindow('2026-03-08', 'America/New_York');
    const autumn = dayWindow('2026-11-01', 'America/New_York');
    expect(spring).toEqual({ from: '2026-03-08T05:00:00.000Z', to: '2026-03-09T04:00:00.000Z' });
    expect((Date.parse(autumn.to) - Date.parse(autumn.from)) / 3_600_000).toBe(25);
    expect(instantAt('2026-03-08', 10 * 60, 'America/New_York').toISOString()).toBe('2026-03-08T14:00:00.000Z');
  });

  it('dates: real calendar days only, month ends and leap years', () => {
    expect(isDay('2028-02-29')).toBe(true);
    expect(isDay('2026-02-29')).toBe(false);
    expect(isDay('2026-13-01')).toBe(false);
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(() => parseDay('2026-02-30')).toThrow(RadarError);
    try { parseDay('2026-02-30'); } catch (e) { expect((e as RadarError).code).toBe('invalid_date'); }
  });

  it('the due day flips at the configured local time, and the next run is the next such time', () => {
    const cfg = { timezone: 'Asia/Seoul', atMinutes: 10 * 60 };
    // 09:59 KST on the 26th: the 25th is not due yet, the 24th is.
    expect(dueDay(new Date('2026-11-26T00:59:00Z'), cfg)).toBe('2026-11-24');
    expect(dueDay(new Date('2026-11-26T01:00:00Z'), cfg)).toBe('2026-11-25');
    // Just after local midnight it is still two days back.
    expect(dueDay(new Date('2026-11-25T15:00:00Z'), cfg)).toBe('2026-11-24');
    expect(nextRunAt(new Date('2026-11-26T00:59:00Z'), cfg).toISOString()).toBe('2026-11-26T01:00:00.000Z');
    expect(nextRunAt(new Date('2026-11-26T01:00:00Z'), cfg).toISOString()).toBe('2026-11-27T01:00:00.000Z');
  });

  it('configuration: defaults, and clear errors for a bad time or zone', () => {
    const d = loadBriefingConfig({});
    expect(d).toMatchObject({ timezone: 'Asia/Seoul', atMinutes: 600, schedule: true, top: 10 });
    expect(loadBriefingConfig({ RADAR_BRIEFING_AT: '7:30', RADAR_BRIEFING: 'off' })).toMatchObject({ atMinutes: 450, schedule: false });
    expect(parseClock('23:59')).toBe(1439);
    expect(() => loadBriefingConfig({ RADAR_BRIEFING_AT: '24:00' })).toThrow(/RADAR_BRIEFING_AT/);
    expect(() => loadBriefingConfig({ RADAR_TIMEZONE: 'Mars/Olympus' })).toThrow(/RADAR_TIMEZONE/);
  });
});
