import type { DemoApi } from './api.js';

// Demo data for 고객의 소리 (voice of customer board), through the HTTP API as
// the website would post it: posts from the homepage, the app,
// survey free text and the panel over two months (fictional customers; phone numbers and
// e-mails written in so the redaction shows), with card delivery complaints
// rising in the last week, a few answered, one hidden and one turned into a case.

interface DemoPost {
  kind: 'complaint' | 'suggestion' | 'question' | 'praise';
  channel: 'homepage' | 'app' | 'survey' | 'panel';
  title: string;
  body: string;
  product?: string;
  /** Days before now it was written (several = the same text from several customers). */
  daysAgo: number[];
}

const DAY = 86_400_000;

export const VOS_DEMO_POSTS: DemoPost[] = [
  { kind: 'complaint', channel: 'homepage', title: '결제 오류가 세 번째입니다', product: '플래티넘 카드', daysAgo: [0],
    body: '지난주부터 온라인 결제가 안 돼요. 고객센터에 세 번이나 전화했는데 해결이 안 됩니다. 이번에도 안 되면 금감원에 민원 넣겠습니다. 연락은 010-2345-6789로 주세요.' },
  { kind: 'complaint', channel: 'app', title: '카드가 아직도 안 왔어요', daysAgo: [0, 1, 1, 2, 3, 4, 5, 6, 12, 37, 52],
    body: '재발급 신청한 지 2주가 지났는데 카드 배송이 너무 늦어요. 배송 조회도 안 되고 언제 오는지 알 수가 없습니다.' },
  { kind: 'complaint', channel: 'homepage', title: '이중 결제 환불 요청', product: '체크카드', daysAgo: [2, 16, 34, 45, 57],
    body: '같은 가맹점에서 두 번 결제됐어요. 환불 안 해주면 소송하겠습니다. 메일 kim.minji@example.com 으로 처리 결과 알려 주세요.' },
  { kind: 'suggestion', channel: 'app', title: '앱 로그인 개선 제안', daysAgo: [1, 9, 20, 31, 39, 44, 50, 56],
    body: '앱 업데이트 후 로그인이 안 되는 경우가 잦아요. 간편 비밀번호 오류가 나면 재설정 단계를 줄여 주세요. 금감원까지 갈 생각은 없고요, 개선만 부탁드립니다.' },
  { kind: 'question', channel: 'homepage', title: '포인트 적립 문의', daysAgo: [3, 14, 22, 33, 46],
    body: '지난달 주유 할인 혜택이 적용이 안 됐어요. 포인트 적립이 누락된 것 같은데 확인 부탁드립니다.' },
  { kind: 'complaint', channel: 'survey', title: '한도가 갑자기 줄었습니다', daysAgo: [4, 11, 18, 25, 32, 36, 41, 49, 55],
    body: '연체도 없는데 한도가 갑자기 줄었어요. 이유도 알려주지 않고 문자 한 통으로 끝내는 건 불친절합니다.' },
  { kind: 'praise', channel: 'panel', title: '친절한 상담 감사합니다', daysAgo: [2, 8, 19, 38, 53],
    body: '해외에서 카드를 분실했는데 분실 신고부터 긴급 재발급까지 상담사님이 끝까지 도와주셨어요. 감사합니다.' },
  { kind: 'question', channel: 'app', title: '해외 결제 수수료 문의', daysAgo: [5, 13, 27, 40, 47, 58],
    body: '해외 결제 수수료가 명세서에 두 줄로 나와요. 청구서에 나온 금액 기준이 궁금합니다.' },
  { kind: 'complaint', channel: 'homepage', title: '자동이체 출금일 오류', daysAgo: [6, 21],
    body: '통신비 자동이체가 두 번 빠져나갔어요. 확인 후 연락 주세요. 해결 안 되면 언론에 제보하겠습니다.' },
  { kind: 'suggestion', channel: 'survey', title: '연회비 안내 개선', daysAgo: [7, 15, 26, 43],
    body: '연회비가 청구되기 전에 앱 알림으로 미리 알려 주면 좋겠어요. 카드 해지 방법도 찾기 쉽게 해 주세요.' },
  { kind: 'complaint', channel: 'app', title: '결제 취소 환불이 늦어요', daysAgo: [8, 17, 24, 35, 42, 51],
    body: '온라인 쇼핑몰 결제 취소를 했는데 환불이 일주일째 안 들어왔어요. 카드사에서 확인해 주세요.' },
  { kind: 'praise', channel: 'homepage', title: '앱이 편해졌어요', daysAgo: [10, 23],
    body: '이번 개편 후 명세서 보기가 훨씬 편해졌습니다. 계속 좋은 서비스 부탁드려요.' },
  { kind: 'question', channel: 'panel', title: '리볼빙 해지 방법', daysAgo: [9, 28],
    body: '리볼빙이 가입된 줄 몰랐어요. 할부 전환이나 해지하려면 어떻게 해야 하나요?' },
  { kind: 'complaint', channel: 'homepage', title: '광고 글', daysAgo: [1],
    body: '저금리 대출 상담은 010-9876-5432 로 문의 주세요. 당일 승인 가능.' },
  { kind: 'complaint', channel: 'survey', title: '부정 사용 처리 지연', daysAgo: [12, 29],
    body: '제가 안 쓴 결제가 찍혀서 신고했는데 2주째 결과가 없습니다. 다시 연락 없으면 금융감독원에 신고할 거예요.' },
];

/** The posts as the website would send them, dated from `now`. */
export function vosDemoPosts(now = new Date()): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  VOS_DEMO_POSTS.forEach((p, i) => {
    p.daysAgo.forEach((d, j) => {
      // Different hours for the same text, never in the future.
      const at = new Date(Math.min(now.getTime() - d * DAY - ((i * 7 + j * 3) % 9) * 3_600_000, now.getTime() - 60_000));
      out.push({
        externalId: `demo-vos-${String(i + 1).padStart(2, '0')}-${j + 1}`, channel: p.channel, kind: p.kind, title: p.title, body: p.body,
        customerId: `CUST-${String(20_000 + i * 37 + j * 5).padStart(5, '0')}`, ...(p.product ? { product: p.product } : {}), createdAt: at.toISOString(),
      });
    });
  });
  return out;
}

/**
 * Fills the 고객의 소리 board. `api` must hold vos:write (posting) and
 * vos:moderate + cases:write (the moderation part): the administrator's token.
 * Safe to run again: posts are idempotent on their external ids and moderation
 * is only applied to posts still 접수.
 */
export async function seedVosDemo(api: DemoApi, now = new Date()): Promise<{ posts: number; answered: number; hidden: number; cases: number }> {
  const result = { posts: 0, answered: 0, hidden: 0, cases: 0 };
  const stored = new Map<string, { id: string; status: string; caseId: string | null }>();
  for (const body of vosDemoPosts(now)) {
    const p = await api('POST', '/api/vos/posts', body);
    stored.set(String(body.externalId), p);
    result.posts++;
  }
  const fresh = (key: string) => {
    const p = stored.get(key);
    return p && p.status === 'received' ? p : null;
  };
  const answers: [string, string][] = [
    ['demo-vos-05-2', '불편을 드려 죄송합니다. 확인 결과 주유 할인 포인트 12,300점이 누락되어 오늘 적립해 드렸습니다.'],
    ['demo-vos-08-2', '해외 결제 시 국제 브랜드 수수료와 해외 서비스 수수료가 따로 표시됩니다. 명세서 안내 문구를 개선하겠습니다.'],
    ['demo-vos-07-2', '따뜻한 말씀 감사합니다. 담당 상담사에게 꼭 전하겠습니다.'],
    ['demo-vos-12-2', '소중한 의견 감사합니다. 다음 개편에도 반영하겠습니다.'],
  ];
  for (const [key, text] of answers) {
    const p = fresh(key);
    if (!p) continue;
    await api('POST', `/api/vos/posts/${p.id}/transition`, { to: 'in_review' });
    await api('POST', `/api/vos/posts/${p.id}/answer`, { answer: text });
    result.answered++;
  }
  for (const key of ['demo-vos-04-1', 'demo-vos-06-1']) {
    const p = fresh(key);
    if (p) await api('POST', `/api/vos/posts/${p.id}/transition`, { to: 'in_review' });
  }
  const spam = fresh('demo-vos-14-1');
  if (spam) {
    await api('POST', `/api/vos/posts/${spam.id}/hide`, { reason: '광고성 게시물 (대출 광고)' });
    result.hidden++;
  }
  const risky = stored.get('demo-vos-15-1');
  if (risky && !risky.caseId) {
    await api('POST', `/api/vos/posts/${risky.id}/case`, {});
    result.cases++;
  }
  return result;
}
