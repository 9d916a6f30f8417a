import { badRequest } from '../../core/errors.js';

// Calendar days in a named time zone (Asia/Seoul by default) as UTC instants.
// The briefing covers one local calendar day; the database stores timestamptz,
// so every query works on [from, to) in UTC. Done with Intl so any IANA zone
// works, including ones with daylight-saving time (a day is then 23 or 25 h).

/** A local calendar day, 'YYYY-MM-DD'. */
export type Day = string;

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
function partsFormatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Throws a plain Error naming the variable when `tz` is not an IANA zone Intl knows. */
export function checkTimeZone(tz: string, name = 'RADAR_TIMEZONE'): string {
  try {
    partsFormatter(tz);
  } catch {
    throw new Error(`${name}: '${tz}' is not a known time zone (e.g. Asia/Seoul)`);
  }
  return tz;
}

interface LocalParts { year: number; month: number; day: number; hour: number; minute: number; second: number }

function localParts(instant: Date, tz: string): LocalParts {
  const p = Object.fromEntries(partsFormatter(tz).formatToParts(instant).map((x) => [x.type, x.value]));
  return { year: +p.year!, month: +p.month!, day: +p.day!, hour: +p.hour!, minute: +p.minute!, second: +p.second! };
}

/** Local wall-clock time minus UTC at `instant`, in ms (+9 h for KST). */
function offsetMs(instant: number, tz: string): number {
  const l = localParts(new Date(instant), tz);
  const asUtc = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** Is `s` a real calendar date written as YYYY-MM-DD? */
export function isDay(s: string): boolean {
  const m = DAY_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!));
  return d.getUTCFullYear() === +m[1]! && d.getUTCMonth() === +m[2]! - 1 && d.getUTCDate() === +m[3]!;
}

/** The day as given, or a 400 `invalid_date` (2026-02-30 passes a pattern but is no day). */
export function parseDay(s: string): Day {
  if (!isDay(s)) throw badRequest('invalid_date', `'${s}' is not a calendar date written as YYYY-MM-DD`, { date: s });
  return s;
}

export function addDays(day: Day, n: number): Day {
  const m = DAY_RE.exec(day)!;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]! + n)).toISOString().slice(0, 10);
}

/** The local calendar day of an instant. */
export function dayOf(instant: Date, tz: string): Day {
  const l = localParts(instant, tz);
  return `${l.year}-${String(l.month).padStart(2, '0')}-${String(l.day).padStart(2, '0')}`;
}

/** The UTC instant at which the local clock shows `day` `hh:mm`. */
export function instantAt(day: Day, minutesOfDay: number, tz: string): Date {
  const m = DAY_RE.exec(day)!;
  const wall = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, 0, minutesOfDay);
  // The offset at the guess may differ from the one at the answer across a
  // DST change; a second look settles it.
  let t = wall - offsetMs(wall, tz);
  t = wall - offsetMs(t, tz);
  return new Date(t);
}

export interface Window { from: string; to: string }

/** [local midnight of day, local midnight of the next day) as ISO instants. */
export function dayWindow(day: Day, tz: string): Window {
  return { from: instantAt(day, 0, tz).toISOString(), to: instantAt(addDays(day, 1), 0, tz).toISOString() };
}

/** Minutes since local midnight at `instant`. */
export function minutesOfDay(instant: Date, tz: string): number {
  const l = localParts(instant, tz);
  return l.hour * 60 + l.minute;
}

/** 'HH:MM' (24 h) → minutes since midnight; throws naming the variable. */
export function parseClock(s: string, name = 'RADAR_BRIEFING_AT'): number {
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(s.trim());
  if (!m) throw new Error(`${name} must be a time of day like 10:00, got '${s}'`);
  return +m[1]! * 60 + +m[2]!;
}

export const daysBetween = (a: Day, b: Day): number => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / MS_PER_DAY);
