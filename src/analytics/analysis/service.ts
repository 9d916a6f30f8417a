import { termLabel } from '../statistics/taxonomy.js';
import type { Queryable } from '../../store/db.js';
import * as repo from '../../store/datasets.js';
import { perDay, ratePer, twoProportion, type TwoProportion } from './formulas.js';

// The analyses: one store query each (set-based SQL), then plain arithmetic.
// Every figure goes out with its numerator and denominator.

export const PER_CONSULTATIONS = 1_000;
export const PER_SALES = 10_000;

export interface RateItem {
  group: string;
  ko: string;
  en: string;
  complaints: number;
  denominator: number;
  /** complaints × per ÷ denominator, two decimals; null without a denominator. */
  rate: number | null;
}

export interface RateResult {
  kind: 'consultations' | 'sales';
  per: number;
  groupBy: repo.GroupBy;
  from: string;
  to: string;
  items: RateItem[];
  total: { complaints: number; denominator: number; rate: number | null };
}

function groupLabel(groupBy: repo.GroupBy, id: string): { ko: string; en: string } {
  if (groupBy === 'product' || groupBy === 'channel') return { ko: termLabel(groupBy, id, 'ko'), en: termLabel(groupBy, id, 'en') };
  if (groupBy === 'total') return { ko: '전체', en: 'Total' };
  return { ko: id, en: id };
}

/** Complaints per `per` of a dataset kind's quantity, by group, with the total. */
export function rates(kind: 'consultations' | 'sales', groupBy: repo.GroupBy, f: repo.JoinFilter, rows: readonly repo.RateGroupRow[]): RateResult {
  const per = kind === 'consultations' ? PER_CONSULTATIONS : PER_SALES;
  const items = rows.map((r) => ({ group: r.group, ...groupLabel(groupBy, r.group), complaints: r.complaints, denominator: r.denominator, rate: ratePer(r.complaints, r.denominator, per) }));
  const complaints = rows.reduce((s, r) => s + r.complaints, 0);
  const denominator = rows.reduce((s, r) => s + r.denominator, 0);
  return { kind, per, groupBy, from: f.from, to: f.to, items, total: { complaints, denominator, rate: ratePer(complaints, denominator, per) } };
}

export async function rateAnalysis(q: Queryable, kind: 'consultations' | 'sales', groupBy: repo.GroupBy, f: repo.JoinFilter): Promise<RateResult> {
  return rates(kind, groupBy, f, await repo.rateByGroup(q, kind, groupBy, f));
}

export interface CampaignEffect extends repo.CampaignRow {
  windowDays: number;
  /** Complaint rates in percent (two decimals) of both groups. */
  contactedRatePct: number | null;
  notContactedRatePct: number | null;
  test: TwoProportion | null;
  /** True when the 95 % interval of the difference excludes zero. */
  significant: boolean;
}

export function campaignEffect(r: repo.CampaignRow, windowDays: number): CampaignEffect {
  const test = twoProportion(r.contactedComplained, r.contacted, r.notContactedComplained, r.notContacted);
  return {
    ...r, windowDays, contactedRatePct: ratePer(r.contactedComplained, r.contacted, 100), notContactedRatePct: ratePer(r.notContactedComplained, r.notContacted, 100),
    test, significant: test !== null && (test.low > 0 || test.high < 0),
  };
}

export async function marketingAnalysis(q: Queryable, f: Parameters<typeof repo.campaignEffects>[1]): Promise<{ windowDays: number; items: CampaignEffect[] }> {
  return { windowDays: f.windowDays, items: (await repo.campaignEffects(q, f)).map((r) => campaignEffect(r, f.windowDays)) };
}

export interface PlatformEvent extends repo.PlatformEventRow {
  /** Days of the after-window that have happened (today included). */
  afterDays: number;
  beforePerDay: number | null;
  afterPerDay: number | null;
  /** afterPerDay ÷ beforePerDay − 1, in percent (one decimal); null without a before. */
  changePct: number | null;
}

const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);

/** Per-day averages before [d − w, d) and after [d, d + w) an event on day d; the after-window is cut at today. */
export function eventWindow(e: repo.PlatformEventRow, windowDays: number, today: string): PlatformEvent {
  const afterDays = Math.max(0, Math.min(windowDays, daysBetween(e.day, today) + 1));
  const beforePerDay = perDay(e.before, windowDays);
  const afterPerDay = perDay(e.after, afterDays);
  const changePct = e.before > 0 && afterDays > 0 ? Math.round(((e.after / afterDays) / (e.before / windowDays) - 1) * 1000) / 10 : null;
  return { ...e, afterDays, beforePerDay, afterPerDay, changePct };
}

export async function platformAnalysis(q: Queryable, f: Parameters<typeof repo.platformEvents>[1], today: string) {
  const [days, events] = await Promise.all([repo.complaintsPerDay(q, f), repo.platformEvents(q, f)]);
  return { from: f.from, to: f.to, windowDays: f.windowDays, days, total: days.reduce((s, d) => s + d.complaints, 0), events: events.map((e) => eventWindow(e, f.windowDays, today)) };
}
