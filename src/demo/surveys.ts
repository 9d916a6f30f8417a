import { sha256 } from '../core/ids.js';
import type { DemoApi } from './api.js';

// Demo data for the 고객 평가 screen, through the public HTTP API as a survey
// system would send it: twelve months of NPS, CSAT and CES answers across
// touchpoints, products and customer grades (slowly improving, the app and
// ARS behind the call centre), some with comments, and outside benchmarks per
// quarter. Every value is derived from a hash of its id, so the demo shows the
// same figures each time, and re-running it changes nothing (external ids).

/** A uniform number in [0, 1) fixed by `key`. */
const u = (key: string) => parseInt(sha256(key).slice(0, 8), 16) / 0x1_0000_0000;

function weighted<T>(x: number, options: readonly (readonly [T, number])[]): T {
  const total = options.reduce((s, [, w]) => s + w, 0);
  let acc = 0;
  for (const [v, w] of options) { acc += w / total; if (x < acc) return v; }
  return options[options.length - 1]![0];
}

const TOUCHPOINTS = [['콜센터', 40], ['앱', 25], ['홈페이지', 15], ['영업점', 10], ['ARS', 10]] as const;
const PRODUCTS = [['신용카드', 50], ['체크카드', 25], ['카드론·현금서비스', 12], ['포인트·혜택', 13]] as const;
const SEGMENTS = [['VIP', 15], ['우수', 30], ['일반', 55]] as const;
/** How each touchpoint shifts satisfaction (the app's login trouble and the ARS maze cost effort). */
const TOUCHPOINT_SHIFT: Record<string, number> = { 콜센터: 0.06, 앱: -0.08, 홈페이지: -0.02, 영업점: 0.08, ARS: -0.12 };

const PRAISE = [
  '상담사분이 끝까지 친절하게 설명해 주셔서 감사했습니다.',
  '앱에서 결제일 변경이 바로 돼서 편했어요.',
  '해외 결제 취소 건을 빠르게 처리해 주셨습니다.',
  '포인트 전환 방법을 쉽게 알려 주셔서 만족합니다.',
];
const COMPLAINTS = [
  'ARS 단계가 너무 많아서 상담원 연결까지 오래 걸렸어요.',
  '앱 로그인이 자꾸 풀려서 다시 인증해야 했습니다.',
  '연회비 환불 안내가 상담사마다 달랐어요. 회신은 010-2345-6789 로 부탁드립니다.',
  '리볼빙이 자동으로 설정된 줄 몰랐습니다. 설명이 부족했어요.',
  '카드 재발급 배송이 일주일 넘게 걸렸습니다.',
];

interface Answer { externalId: string; metric: 'nps' | 'csat' | 'ces'; score: number; touchpoint: string; product: string; segment: string; respondedAt: string; comment?: string }

/** One answer; `k` = months from the oldest (0) to the newest (11): quality improves with it. */
function answer(id: string, metric: Answer['metric'], k: number, at: number): Answer {
  const touchpoint = weighted(u(`${id}:tp`), TOUCHPOINTS);
  const product = weighted(u(`${id}:pr`), PRODUCTS);
  const segment = weighted(u(`${id}:sg`), SEGMENTS);
  const q = 0.5 + 0.012 * k + TOUCHPOINT_SHIFT[touchpoint]! + (segment === 'VIP' ? 0.05 : 0);
  const x = u(`${id}:score`);
  let score: number;
  let tone: 'good' | 'bad' | 'mid';
  if (metric === 'nps') {
    // promoters ≈ q − 0.1, detractors ≈ 0.75 − q
    const p = q - 0.1;
    const d = 0.75 - q;
    score = x < p ? weighted(u(`${id}:hi`), [[10, 1], [9, 1]]) : x < p + d ? weighted(u(`${id}:lo`), [[6, 4], [5, 3], [4, 2], [3, 1], [0, 1]]) : weighted(u(`${id}:mid`), [[8, 3], [7, 2]]);
    tone = score >= 9 ? 'good' : score <= 6 ? 'bad' : 'mid';
  } else if (metric === 'csat') {
    score = x < q + 0.22 ? weighted(u(`${id}:hi`), [[5, 2], [4, 3]]) : weighted(u(`${id}:lo`), [[3, 3], [2, 2], [1, 1]]);
    tone = score >= 4 ? 'good' : score <= 2 ? 'bad' : 'mid';
  } else {
    score = x < q + 0.12 ? weighted(u(`${id}:hi`), [[7, 2], [6, 3], [5, 3]]) : weighted(u(`${id}:lo`), [[4, 3], [3, 2], [2, 1], [1, 1]]);
    tone = score >= 5 ? 'good' : score <= 3 ? 'bad' : 'mid';
  }
  const commented = u(`${id}:c`) < (tone === 'bad' ? 0.35 : 0.1);
  const comment = commented && tone !== 'mid' ? (tone === 'bad' ? COMPLAINTS : PRAISE)[Math.floor(u(`${id}:ct`) * (tone === 'bad' ? COMPLAINTS : PRAISE).length)] : undefined;
  return { externalId: id, metric, score, touchpoint, product, segment, respondedAt: new Date(at).toISOString(), ...(comment ? { comment } : {}) };
}

/** First instant of the KST month `back` months before the one holding `now`. */
function kstMonthStart(now: Date, back: number): number {
  const kst = new Date(now.getTime() + 9 * 3600_000);
  return Date.UTC(kst.getUTCFullYear(), kst.getUTCMonth() - back, 1) - 9 * 3600_000;
}

const r1 = (x: number) => Math.round(x * 100) / 100;

const PER_MONTH = { nps: 70, csat: 55, ces: 45 } as const;

/** Twelve months of answers up to `now` (the current month only as far as today). */
export function demoSurveyAnswers(now = new Date()): Answer[] {
  const out: Answer[] = [];
  for (let back = 11; back >= 0; back--) {
    const start = kstMonthStart(now, back);
    const end = Math.min(kstMonthStart(now, back - 1), now.getTime() - 3600_000);
    const month = new Date(start + 9 * 3600_000).toISOString().slice(0, 7);
    for (const metric of ['nps', 'csat', 'ces'] as const) {
      const n = Math.round(PER_MONTH[metric] * ((end - start) / (kstMonthStart(now, back - 1) - start)));
      for (let i = 0; i < n; i++) {
        const id = `demo-sv-${month}-${metric}-${i}`;
        out.push(answer(id, metric, 11 - back, start + u(`${id}:at`) * (end - start)));
      }
    }
  }
  return out;
}

/** Outside figures for the last four quarters (demo agencies; the industry average creeps up). */
export function demoBenchmarks(now = new Date()): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const kst = new Date(now.getTime() + 9 * 3600_000);
  let y = kst.getUTCFullYear();
  let q = Math.floor(kst.getUTCMonth() / 3); // the last finished quarter
  for (let i = 0; i < 4; i++) {
    if (q === 0) { y--; q = 4; }
    const period = `${y}-Q${q}`;
    const step = 3 - i;
    out.push(
      { metric: 'nps', period, source: '외부 조사기관 A (데모)', subject: '카드업 평균', subjectKind: 'industry', value: r1(24 + step * 0.8), note: '분기 고객경험 조사' },
      { metric: 'nps', period, source: '외부 조사기관 A (데모)', subject: 'A카드', subjectKind: 'company', value: r1(31 + step * 0.5) },
      { metric: 'nps', period, source: '외부 조사기관 A (데모)', subject: 'B카드', subjectKind: 'company', value: 19 + step },
      { metric: 'csat', period, source: '외부 조사기관 B (데모)', subject: '카드업 평균', subjectKind: 'industry', value: r1(76 + step * 0.6) },
      { metric: 'ces', period, source: '외부 조사기관 B (데모)', subject: '카드업 평균', subjectKind: 'industry', value: r1(5.1 + step * 0.05) },
    );
    q--;
  }
  return out;
}

/**
 * Fills the 고객 평가 screen: posts the answers in batches and the benchmarks
 * as one JSON file import (same key → value replaced). Returns what it sent.
 */
export async function seedSurveyDemo(api: DemoApi, now = new Date()): Promise<{ responses: number; created: number; benchmarks: number }> {
  const answers = demoSurveyAnswers(now);
  let created = 0;
  for (let i = 0; i < answers.length; i += 1000) {
    created += (await api('POST', '/api/surveys/responses/batch', { items: answers.slice(i, i + 1000) })).created as number;
  }
  const benchmarks = demoBenchmarks(now);
  await api('POST', '/api/surveys/benchmarks/import', {
    filename: 'demo-benchmarks.json', dataBase64: Buffer.from(JSON.stringify(benchmarks)).toString('base64'),
  });
  return { responses: answers.length, created, benchmarks: benchmarks.length };
}
