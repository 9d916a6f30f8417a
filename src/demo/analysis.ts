import type { DemoApi } from './api.js';
import { demoRecords, SEED_REPORT } from './statistics.js';
import { pickWeighted as pick, rng } from './random.js';

// Demo data for the 통합 분석 screen, through the public HTTP API: a year of
// consultations, monthly new cards per product, two marketing campaigns and
// the app's releases and incidents — built around the statistics demo's own
// complaint records (the same deterministic generator, so the same customer
// ids, products and days), so the joins find real overlaps. Re-running it
// changes nothing: consultations have ids, the other rows are keyed by their
// values, and every dataset has a fixed name.

const PRODUCTS = [['credit_card', 62], ['check_card', 18], ['card_loan', 8], ['cash_service', 5], ['revolving', 3], ['installment', 2], ['lease', 2]] as const;
const CHANNELS = [['phone', 70], ['app', 15], ['branch', 10], ['web', 5]] as const;
const REASONS = ['결제·승인 문의', '한도 문의', '연회비·수수료', '포인트·혜택', '분실·도난 신고', '앱 로그인', '대출 상담', '명세서', '해지 문의'];
const CONSULTATIONS_PER_MONTH = 1_000;
const day = (d: Date) => d.toISOString().slice(0, 10);
const plusDays = (d: string, n: number) => day(new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000));
const at = (d: string, r: () => number) => `${d} ${String(9 + Math.floor(r() * 9)).padStart(2, '0')}:${String(Math.floor(r() * 60)).padStart(2, '0')}`;

async function importDataset(api: DemoApi, kind: string, dataset: string, rows: readonly Record<string, unknown>[]): Promise<void> {
  let v = await api('POST', '/api/analysis/imports', { kind, dataset, filename: `demo-${kind}.json`, text: JSON.stringify(rows) });
  for (let i = 0; i < 600 && v.status === 'running'; i++) {
    await new Promise((res) => setTimeout(res, 200));
    v = await api('GET', `/api/analysis/imports/${v.id}`);
  }
  if (v.status !== 'completed') throw new Error(`analysis demo import of ${kind} ended ${v.status}`);
}

/**
 * Fills the analysis screen. `today` (a local day) picks the same year as the
 * statistics demo: this year once October has begun, else last year.
 */
export async function seedAnalysisDemo(api: DemoApi, opts: { today?: string } = {}): Promise<{ year: number; consultations: number }> {
  const today = opts.today ?? new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul' }).format(new Date());
  const year = +today.slice(5, 7) >= 10 ? +today.slice(0, 4) : +today.slice(0, 4) - 1;
  const complaints = demoRecords(year, SEED_REPORT.complaints, today, 2026).filter((c) => c.received_on < today);
  const r = rng(8008);

  // Consultations: each complaining customer called once or twice in the weeks before the
  // complaint about the same product; around them, everyday calls of other customers.
  const consultations: Record<string, unknown>[] = [];
  const add = (d: string, customer: string, product: string, channel: string, reason: string) => {
    if (d >= today || d < `${year}-01-01`) return;
    consultations.push({
      id: `DEMO-C-${String(consultations.length + 1).padStart(6, '0')}`, occurredAt: at(d, r), customerId: customer, product, channel, reason, durationSec: 60 + Math.floor(r() * 540),
    });
  };
  for (const c of complaints) {
    const times = 1 + Math.floor(r() * 2);
    for (let k = 0; k < times; k++) add(plusDays(c.received_on, -1 - Math.floor(r() * 20)), c.customer_id, c.product, c.channel === 'app' ? 'app' : 'phone', REASONS[Math.floor(r() * REASONS.length)]!);
  }
  for (let m = 1; m <= 12; m++) {
    const first = `${year}-${String(m).padStart(2, '0')}-01`;
    if (first >= today) break;
    const days = new Date(Date.UTC(year, m, 0)).getUTCDate();
    for (let i = 0; i < CONSULTATIONS_PER_MONTH; i++) {
      add(plusDays(first, Math.floor(r() * days)), `CUST-${String(10000 + Math.floor(r() * 89999))}`, pick(r, PRODUCTS), pick(r, CHANNELS), REASONS[Math.floor(r() * REASONS.length)]!);
    }
  }
  await importDataset(api, 'consultations', '콜센터 상담 이력 (데모)', consultations);

  // New cards and loans per product and month (no customer ids: a sales system's totals).
  const sales: Record<string, unknown>[] = [];
  const monthly: Record<string, number> = { credit_card: 42_000, check_card: 15_000, card_loan: 9_000, cash_service: 6_000, revolving: 2_500, installment: 1_800, lease: 900 };
  for (let m = 1; m <= 12; m++) {
    const d = `${year}-${String(m).padStart(2, '0')}-01`;
    if (d >= today) break;
    for (const [product, base] of Object.entries(monthly)) sales.push({ date: d, product, count: Math.round(base * (0.9 + r() * 0.2)), channel: 'other' });
  }
  await importDataset(api, 'sales', '월별 신규 판매 (데모)', sales);

  // Campaigns: a fee-waiver notice to a random 2,000 customers in July, and a card-loan rate
  // offer in August whose list happened to hold many customers who then complained about loans.
  const pool = [...new Set(consultations.map((c) => c.customerId as string))];
  const marketing: Record<string, unknown>[] = [];
  for (let i = 0; i < 2000; i++) {
    const customer = pool[Math.floor(r() * pool.length)]!;
    marketing.push({ campaignId: `CMP-${year}-07-FEE`, campaignName: '연회비 면제 안내', customerId: customer, contactedAt: at(`${year}-07-0${1 + Math.floor(r() * 3)}`, r), channel: 'SMS', responded: r() < 0.12 });
  }
  const loanComplainers = complaints.filter((c) => (c.product === 'card_loan' || c.product === 'cash_service') && c.received_on >= `${year}-08-05` && c.received_on < `${year}-09-05`);
  for (const c of loanComplainers) marketing.push({ campaignId: `CMP-${year}-08-LOAN`, campaignName: '카드론 특별 금리', customerId: c.customer_id, contactedAt: at(`${year}-08-04`, r), channel: '앱 푸시', responded: r() < 0.3 });
  for (let i = 0; i < 1500; i++) {
    marketing.push({ campaignId: `CMP-${year}-08-LOAN`, campaignName: '카드론 특별 금리', customerId: pool[Math.floor(r() * pool.length)]!, contactedAt: at(`${year}-08-04`, r), channel: '앱 푸시', responded: r() < 0.08 });
  }
  // One contact per customer and campaign (a random draw can pick a customer twice).
  const once = [...new Map(marketing.map((m) => [`${m.campaignId}/${m.customerId}`, m])).values()];
  await importDataset(api, 'marketing', `${year} 하반기 캠페인 (데모)`, once);

  const platform = [
    { occurredAt: `${year}-03-12 02:00`, platform: 'app', eventKind: 'release', version: '5.0.0', description: '앱 전면 개편' },
    { occurredAt: `${year}-06-10 02:00`, platform: 'app', eventKind: 'release', version: '5.1.0', description: '간편결제 추가' },
    { occurredAt: `${year}-08-05 02:00`, platform: 'app', eventKind: 'release', version: '5.2.0', description: '로그인 방식 변경 (생체 인증)' },
    { occurredAt: `${year}-08-07 09:40`, platform: 'app', eventKind: 'incident', version: '5.2.0', description: '로그인 지연 40분', count: 1 },
    { occurredAt: `${year}-09-14 20:10`, platform: 'web', eventKind: 'incident', version: '', description: '홈페이지 결제 오류 25분', count: 1 },
  ].filter((e) => e.occurredAt.slice(0, 10) < today);
  await importDataset(api, 'platform', '앱·웹 배포와 장애 (데모)', platform);
  return { year, consultations: consultations.length };
}
