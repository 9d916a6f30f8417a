import type { Severity } from '../core/types.js';
import { DEFAULT_SLA_DAYS, type SlaDays } from './workflow.js';

// VOM settings from the environment (documented in docs/console.md):
//   RADAR_CASE_SLA_DAYS        "5:1,4:2,3:3,2:5,1:7" (severity:days; unspecified keep the default)
//   RADAR_REPEAT_WINDOW_DAYS   30   same customer + category within this many days = repeat contact
//   RADAR_CASE_ATTACHMENT_MAX_BYTES  5242880

export interface VomConfig {
  slaDays: SlaDays;
  repeatWindowDays: number;
  maxAttachmentBytes: number;
}

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got '${raw}'`);
  return n;
}

export function parseSlaDays(raw: string | undefined): SlaDays {
  const sla: SlaDays = { ...DEFAULT_SLA_DAYS };
  if (!raw) return sla;
  for (const part of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([1-5])\s*:\s*(\d+)$/.exec(part);
    if (!m || Number(m[2]) <= 0) throw new Error(`RADAR_CASE_SLA_DAYS: expected "severity:days" pairs like "5:1,4:2", got '${part}'`);
    sla[Number(m[1]) as Severity] = Number(m[2]);
  }
  return sla;
}

export function loadVomConfig(env: NodeJS.ProcessEnv = process.env): VomConfig {
  return {
    slaDays: parseSlaDays(env.RADAR_CASE_SLA_DAYS),
    repeatWindowDays: positiveInt('RADAR_REPEAT_WINDOW_DAYS', env.RADAR_REPEAT_WINDOW_DAYS, 30),
    maxAttachmentBytes: positiveInt('RADAR_CASE_ATTACHMENT_MAX_BYTES', env.RADAR_CASE_ATTACHMENT_MAX_BYTES, 5 * 1024 * 1024),
  };
}
