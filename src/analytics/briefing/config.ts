import { checkTimeZone, parseClock } from './time.js';

// Daily briefing settings from the environment (documented in docs/briefing.md):
//   RADAR_TIMEZONE            Asia/Seoul  the zone whose calendar days a briefing covers
//   RADAR_BRIEFING_AT         10:00       local time the previous day's briefing is made
//   RADAR_BRIEFING            on          'off': this process runs no scheduler
//   RADAR_BRIEFING_FONT       Debian's Noto Sans CJK (fonts-noto-cjk) for the PDF
//   RADAR_BRIEFING_FONT_NAME  NotoSansCJKkr-Regular  face inside a .ttc collection
//   RADAR_BRIEFING_TOP        10          rows in the "top" tables

export const DEFAULT_FONT = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';
export const DEFAULT_FONT_NAME = 'NotoSansCJKkr-Regular';

export interface BriefingConfig {
  timezone: string;
  /** Minutes after local midnight at which the scheduler makes the previous day's briefing. */
  atMinutes: number;
  schedule: boolean;
  fontPath: string;
  /** PostScript name of the face to use when the font file is a collection (.ttc). */
  fontName: string;
  top: number;
}

export function loadBriefingConfig(env: NodeJS.ProcessEnv = process.env): BriefingConfig {
  const top = env.RADAR_BRIEFING_TOP ? Number(env.RADAR_BRIEFING_TOP) : 10;
  if (!Number.isInteger(top) || top < 1 || top > 100) throw new Error(`RADAR_BRIEFING_TOP must be an integer 1–100, got '${env.RADAR_BRIEFING_TOP}'`);
  const flag = (env.RADAR_BRIEFING ?? 'on').toLowerCase();
  return {
    timezone: checkTimeZone(env.RADAR_TIMEZONE || 'Asia/Seoul'),
    atMinutes: parseClock(env.RADAR_BRIEFING_AT || '10:00'),
    schedule: !['off', '0', 'false', 'no'].includes(flag),
    fontPath: env.RADAR_BRIEFING_FONT || DEFAULT_FONT,
    fontName: env.RADAR_BRIEFING_FONT_NAME || DEFAULT_FONT_NAME,
    top,
  };
}
