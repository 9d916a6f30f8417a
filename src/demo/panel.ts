import type { DemoApi } from './api.js';

// Demo data for 고객 패널 through the HTTP API: 240 fictional panel members
// (deterministic; example.com addresses and 010-0000-xxxx numbers that reach
// nobody), the customer-base mix for grade and age band, a few consent
// withdrawals, an open campaign (its invitations go to the outbox like real
// ones) and a draft. Answers come only through the public token endpoint, so
// the demo leaves them to whoever holds the invitations (the e2e run answers
// two through its stand-in gateway). Idempotent: members by external id,
// campaigns by title, withdrawals only of members still active.

const GRADES = [['일반', 0.45], ['실버', 0.25], ['골드', 0.18], ['플래티넘', 0.08], ['VIP', 0.04]] as const;
const AGES = [['20대', 0.16], ['30대', 0.24], ['40대', 0.26], ['50대', 0.21], ['60대 이상', 0.13]] as const;
const REGIONS = ['서울', '경기', '인천', '부산', '대구', '대전', '광주'] as const;
const PRODUCTS = ['신용카드', '체크카드', '카드론', '리볼빙', '해외결제'] as const;
const SURNAMES = '김이박최정강조윤장임한오서신권황안송류홍';

export const PANEL_DEMO_SIZE = 240;
const DEMO_CAMPAIGNS = {
  open: '결제 알림 서비스 만족도 조사 (데모)',
  draft: '카드 재발급 배송 경험 조사 (데모)',
};

/** A fixed pseudo-random stream (the demo must be the same on every run). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

function pick<T>(r: number, table: readonly (readonly [T, number])[]): T {
  let acc = 0;
  for (const [v, p] of table) { acc += p; if (r < acc) return v; }
  return table[table.length - 1]![0];
}

/** The demo members; the panel over-represents young and VIP customers a little, as real panels do. */
export function panelDemoMembers(now = Date.now()) {
  const next = rng(20261126);
  return Array.from({ length: PANEL_DEMO_SIZE }, (_, i) => {
    const grade = pick(next() * 0.92 + (i % 9 === 0 ? 0.08 : 0), GRADES);
    const ageBand = pick(Math.max(0, next() - 0.06), AGES);
    const sms = next() < 0.45;
    const n = String(i).padStart(4, '0');
    return {
      externalId: `DEMO-PNL-${n}`, name: `${SURNAMES[i % SURNAMES.length]}고객`, grade, ageBand, region: REGIONS[Math.floor(next() * REGIONS.length)]!,
      products: PRODUCTS.filter(() => next() < 0.35).concat(['신용카드']).filter((p, j, a) => a.indexOf(p) === j),
      tenureYears: Math.round(next() * 150) / 10, channel: sms ? 'sms' : 'email', contact: sms ? `010-0000-${n}` : `panel${n}@example.com`,
      consentAt: new Date(now - Math.floor(30 + next() * 300) * 86_400_000).toISOString(), consentPurpose: '설문조사 및 서비스 개선 의견 수렴',
      consentVersion: next() < 0.7 ? 'v2.1' : 'v2.0',
    };
  });
}

export async function seedPanelDemo(api: DemoApi, now = Date.now()): Promise<{ members: number; campaigns: number }> {
  const members = panelDemoMembers(now);
  await api('POST', '/api/panel/members/batch', { items: members });
  await api('PUT', '/api/panel/base-mix/grade', { items: GRADES.map(([value, share]) => ({ value, share })) });
  await api('PUT', '/api/panel/base-mix/ageBand', { items: AGES.map(([value, share]) => ({ value, share })) });

  // Four withdrawals (recorded at seeding time: the API records a withdrawal when it happens).
  for (const [i, reason] of [[7, '연락을 원하지 않음'], [53, '설문 빈도가 많음'], [118, null], [201, '카드 해지']] as const) {
    const list = await api('GET', `/api/panel/members?q=DEMO-PNL-${String(i).padStart(4, '0')}&limit=1`);
    const m = list.items[0];
    if (m && m.status !== 'withdrawn') await api('POST', `/api/panel/members/${m.id}/withdraw`, { reason });
  }

  const existing = (await api('GET', '/api/panel/campaigns?limit=200')).items as { title: string }[];
  let created = 0;
  if (!existing.some((c) => c.title === DEMO_CAMPAIGNS.open)) {
    const c = await api('POST', '/api/panel/campaigns', {
      title: DEMO_CAMPAIGNS.open, purpose: '결제 알림 개편 전 패널 고객의 만족도와 개선 의견 확인', metrics: ['nps', 'csat'],
      question: '결제 알림에서 불편했던 점을 자유롭게 적어 주세요.', stratifyBy: ['grade'], sampleSize: 60, seed: 'demo-2026',
      closesAt: new Date(now + 10 * 86_400_000).toISOString(),
    });
    await api('POST', `/api/panel/campaigns/${c.id}/transition`, { to: 'open' });
    created++;
  }
  if (!existing.some((c) => c.title === DEMO_CAMPAIGNS.draft)) {
    await api('POST', '/api/panel/campaigns', {
      title: DEMO_CAMPAIGNS.draft, purpose: '재발급 카드 배송 지연 민원 증가에 따른 경험 조사', metrics: ['ces', 'csat'], question: '배송 과정에서 어려웠던 점은?',
      filter: { ageBands: ['40대', '50대', '60대 이상'], notInvitedMonths: 3 }, stratifyBy: ['ageBand'], sampleSize: 40,
    });
    created++;
  }
  return { members: members.length, campaigns: created };
}
