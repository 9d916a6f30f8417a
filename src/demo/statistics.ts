import type { DemoApi } from './api.js';
import { pickWeighted as pick, rng } from './random.js';

// Demo data for the 민원 통계 screen, through the public HTTP API (as an
// integrating system would send it): a year and three quarters of complaint
// records, the customer base, the Credit Finance Association's published peer
// figures and a year of monitoring volume — the seed report's figures exactly:
// cumulative to Q3, 325 complaints (339 a year earlier, −4 %) and 2.72 per
// 100,000 customers (2.83, −4 %). Re-running it changes nothing (records are
// keyed by their ids in the demo source system; the rest is set, not added).

export const DEMO_SOURCE_SYSTEM = 'demo-legacy-vom';

/** The seed report (PRODUCT.md "Figures from the seed report"). */
export const SEED_REPORT = {
  complaints: 325,
  complaintsLastYear: 339,
  // 325 × 100,000 ÷ 11,950,000 = 2.7197 → 2.72; 339 × 100,000 ÷ 11,980,000 = 2.8297 → 2.83
  customers: 11_950_000,
  customersLastYear: 11_980_000,
  peers: [
    { company: '현대카드', complaintsChangePct: 31, convertedChangePct: 20 },
    { company: '롯데카드', complaintsChangePct: 20, convertedChangePct: 17 },
    { company: '신한카드', complaintsChangePct: 17, convertedChangePct: 17 },
    { company: '삼성카드', complaintsChangePct: 15, convertedChangePct: 11 },
    { company: 'KB국민카드', complaintsChangePct: 8, convertedChangePct: 8 },
    { company: '우리카드', complaintsChangePct: 0, convertedChangePct: 5 },
  ],
  monitoredPerMonth: 500,
} as const;

/** Splits `total` over `weights` in whole numbers that add up exactly (largest remainder). */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  const raw = weights.map((w) => (total * w) / sum);
  const out = raw.map(Math.floor);
  const order = raw.map((v, i) => [v - Math.floor(v), i] as const).sort((a, b) => b[0] - a[0]);
  const left = total - out.reduce((s, v) => s + v, 0);
  for (let k = 0; k < left; k++) out[order[k]![1]]! += 1;
  return out;
}

const CHANNELS = [['phone', 46], ['app', 20], ['web', 12], ['external', 14], ['branch', 5], ['mail', 3]] as const;
const PRODUCTS = [['credit_card', 55], ['check_card', 12], ['card_loan', 13], ['cash_service', 6], ['revolving', 5], ['installment', 5], ['lease', 4]] as const;
const TYPES = [['payment', 22], ['fees', 16], ['sales', 12], ['benefits', 11], ['limit', 9], ['fraud', 8], ['service', 8], ['collection', 6], ['system', 5], ['privacy', 3]] as const;
const CAUSES = [['processing', 30], ['explanation', 24], ['policy', 16], ['conduct', 10], ['system', 8], ['partner', 7], ['customer', 5]] as const;
const BODIES = [['fss', 80], ['kca', 12], ['acrc', 5], ['crefia', 3]] as const;
const SEVERITY = [[2, 25], [3, 45], [4, 22], [5, 8]] as const;
// A mild seasonality: more complaints after holidays and at the year's start.
const MONTH_WEIGHTS = [1.15, 1.2, 1.0, 0.95, 0.9, 0.95, 1.05, 1.0, 0.9, 0.95, 1.0, 1.1];

interface DemoRecord {
  external_id: string; received_on: string; channel: string; product: string; type: string; cause: string; scope: string;
  external_body: string; severity: number; status: string; customer_id: string;
}

function monthRecords(year: number, month: number, n: number, r: () => number, lastDay: number): DemoRecord[] {
  const out: DemoRecord[] = [];
  for (let i = 0; i < n; i++) {
    const channel = pick(r, CHANNELS);
    const external = channel === 'external' || r() < 0.12;
    const day = 1 + Math.floor(r() * lastDay);
    out.push({
      external_id: `DEMO-${year}${String(month).padStart(2, '0')}-${String(i + 1).padStart(3, '0')}`,
      received_on: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      channel, product: pick(r, PRODUCTS), type: pick(r, TYPES), cause: pick(r, CAUSES), scope: external ? 'external' : 'internal',
      external_body: external ? pick(r, BODIES) : '', severity: pick(r, SEVERITY), status: pick(r, [['closed', 70], ['resolved', 20], ['in_progress', 10]] as const),
      customer_id: `CUST-${String(10000 + Math.floor(r() * 89999))}`,
    });
  }
  return out;
}

const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** Records of Jan–Sep of `year` adding up to `total`, then the months of Q4 up to (not including) `today`. */
export function demoRecords(year: number, total: number, today: string, seed: number): DemoRecord[] {
  const r = rng(seed);
  const perMonth = apportion(total, MONTH_WEIGHTS.slice(0, 9));
  const out = perMonth.flatMap((n, i) => monthRecords(year, i + 1, n, r, daysIn(year, i + 1)));
  for (let m = 10; m <= 12; m++) {
    const first = `${year}-${String(m).padStart(2, '0')}-01`;
    if (first >= today) break;
    const last = Math.min(daysIn(year, m), first.slice(0, 7) === today.slice(0, 7) ? +today.slice(8) - 1 : 31);
    if (last < 1) break;
    const n = Math.round((total / 9) * MONTH_WEIGHTS[m - 1]! * (last / daysIn(year, m)));
    out.push(...monthRecords(year, m, n, r, last));
  }
  return out;
}

async function waitForImport(api: DemoApi, started: { id: string; status: string }): Promise<void> {
  let v = started;
  for (let i = 0; i < 600 && v.status === 'running'; i++) {
    await new Promise((res) => setTimeout(res, 200));
    v = await api('GET', `/api/statistics/imports/${v.id}`);
  }
  if (v.status !== 'completed') throw new Error(`statistics demo import ended ${v.status}`);
}

/**
 * Fills the statistics screen. `today` (a local day) decides which Q3 is the
 * seed report's: this year's once October has begun, else last year's.
 */
export async function seedStatisticsDemo(api: DemoApi, opts: { today?: string; companyName?: string } = {}): Promise<{ period: string }> {
  const today = opts.today ?? new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul' }).format(new Date());
  const year = +today.slice(5, 7) >= 10 ? +today.slice(0, 4) : +today.slice(0, 4) - 1;
  const period = `${year}-Q3-YTD`;

  const customers: [string, number][] = [
    [`${year - 1}-Q1`, 11_890_000], [`${year - 1}-Q2`, 11_935_000], [`${year - 1}-Q3`, SEED_REPORT.customersLastYear], [`${year - 1}-Q4`, 11_990_000],
    [`${year}-Q1`, 11_970_000], [`${year}-Q2`, 11_960_000], [`${year}-Q3`, SEED_REPORT.customers],
  ];
  for (const [p, n] of customers) await api('PUT', `/api/statistics/customer-base/${p}`, { customers: n, note: '분기말 유효 회원 수 (데모)' });

  const rows = [
    ...demoRecords(year - 1, SEED_REPORT.complaintsLastYear, `${year}-01-01`, 2025),
    ...demoRecords(year, SEED_REPORT.complaints, today, 2026),
  ];
  const started = await api('POST', '/api/statistics/imports', {
    kind: 'complaints', filename: 'demo-legacy-vom.json', text: JSON.stringify(rows), sourceSystem: DEMO_SOURCE_SYSTEM,
  });
  await waitForImport(api, started);

  for (const p of SEED_REPORT.peers) {
    await api('PUT', '/api/statistics/peers', { ...p, period, source: '여신금융협회 민원공시 (데모)' });
  }
  await api('PUT', '/api/statistics/peers', {
    company: opts.companyName ?? '당사', period, isSelf: true, complaints: SEED_REPORT.complaints, converted: 2.72,
    complaintsChangePct: -4, convertedChangePct: -4, source: '여신금융협회 민원공시 (데모)',
  });

  // A year of the monitoring's monthly report, about 500 flagged calls a month.
  const r = rng(500);
  for (let k = 12; k >= 1; k--) {
    const d = new Date(Date.UTC(+today.slice(0, 4), +today.slice(5, 7) - 1 - k, 1));
    const month = d.toISOString().slice(0, 7);
    const monitoredCases = Math.round(SEED_REPORT.monitoredPerMonth * (0.9 + r() * 0.2));
    await api('PUT', `/api/statistics/monitoring/${month}`, {
      monitoredCases, alerts: Math.round(monitoredCases * 1.35), casesOpened: Math.round(monitoredCases * 0.08), note: '기존 모니터링 월간 보고 (데모)',
    });
  }
  return { period };
}
