import type { Speaker } from '../core/types.js';

// Consultations written for this project (fictional customers, card numbers are
// not real): a mix of escalating calls and ordinary ones, so a newcomer sees both
// alerts and the engine staying quiet.

export interface DemoLine {
  speaker: Speaker;
  /** Seconds from call start. */
  at: number;
  /** Seconds of speech. */
  dur: number;
  text: string;
}

export interface DemoCall {
  key: string;
  title: string;
  customerId: string;
  agentId: string;
  /** Seconds after the demo starts. */
  startsAfter: number;
  expectAlert: boolean;
  lines: DemoLine[];
}

export const DEMO_CALLS: DemoCall[] = [
  {
    key: 'payment-error-fss',
    title: '결제 오류 반복 → 금융감독원 민원 예고',
    customerId: 'CUST-10231',
    agentId: 'agent01',
    startsAfter: 0,
    expectAlert: true,
    lines: [
      { speaker: 'agent', at: 0, dur: 3, text: '안녕하세요, 민원카드 고객센터 상담사 김하늘입니다. 무엇을 도와드릴까요?' },
      { speaker: 'customer', at: 3.5, dur: 5, text: '어제 마트에서 결제했는데 승인이 두 번 났어요. 벌써 세 번째 전화하는 거예요.' },
      { speaker: 'agent', at: 9, dur: 4, text: '불편을 드려 죄송합니다. 본인 확인 후 승인 내역을 바로 확인해 드리겠습니다.' },
      { speaker: 'customer', at: 13.5, dur: 4, text: '지난주에도 똑같이 확인해 준다고 하고 아무 연락이 없었잖아요.' },
      { speaker: 'agent', at: 18, dur: 4, text: '확인해 보니 중복 승인 건이 있어 취소 처리 요청을 드렸습니다. 영업일 기준 삼 일 정도 소요됩니다.' },
      { speaker: 'customer', at: 22.5, dur: 5, text: '삼 일이요? 이거 오늘 해결 안 되면 금융감독원에 민원 넣을 겁니다.' },
      { speaker: 'agent', at: 28, dur: 4, text: '최대한 빠르게 처리되도록 담당 부서에 긴급으로 요청드리겠습니다.' },
      { speaker: 'customer', at: 32.5, dur: 3, text: '오늘 중으로 꼭 연락 주세요.' },
    ],
  },
  {
    key: 'annual-fee',
    title: '연회비 환불 문의 (정상 상담)',
    customerId: 'CUST-20877',
    agentId: 'agent02',
    startsAfter: 4,
    expectAlert: false,
    lines: [
      { speaker: 'agent', at: 0, dur: 3, text: '감사합니다, 민원카드 고객센터입니다.' },
      { speaker: 'customer', at: 3.5, dur: 4, text: '카드를 거의 안 써서요, 연회비 환불이 되는지 궁금해서 전화했어요.' },
      { speaker: 'agent', at: 8, dur: 5, text: '발급 후 일 년 이내 해지하시면 남은 기간만큼 연회비가 일할 계산되어 환불됩니다.' },
      { speaker: 'customer', at: 13.5, dur: 3, text: '아 그렇군요. 일단 좀 더 써 보고 결정할게요.' },
      { speaker: 'agent', at: 17, dur: 3, text: '네, 더 궁금하신 점 있으시면 언제든 연락 주세요.' },
    ],
  },
  {
    key: 'lost-card',
    title: '카드 분실 신고 (오탐 주의 문구)',
    customerId: 'CUST-31502',
    agentId: 'agent03',
    startsAfter: 8,
    expectAlert: false,
    lines: [
      { speaker: 'customer', at: 0, dur: 4, text: '지갑을 잃어버려서 카드 분실 신고 좀 하려고요.' },
      { speaker: 'agent', at: 4.5, dur: 4, text: '네, 바로 분실 신고 접수해 드리겠습니다. 카드 뒷자리 네 자리 말씀 부탁드립니다.' },
      { speaker: 'customer', at: 9, dur: 4, text: '경찰서에도 신고했는데 혹시 부정 사용된 건 없나요?' },
      { speaker: 'agent', at: 13.5, dur: 4, text: '조회해 보니 분실 이후 사용 내역은 없습니다. 재발급은 삼 일 내 배송됩니다.' },
    ],
  },
  {
    key: 'unfair-charge-media-legal',
    title: '부당 청구 → 언론 제보·소송 예고 (복수 유형)',
    customerId: 'CUST-44120',
    agentId: 'agent01',
    startsAfter: 12,
    expectAlert: true,
    lines: [
      { speaker: 'customer', at: 0, dur: 5, text: '가입한 적도 없는 부가서비스 요금이 석 달째 빠져나가고 있어요.' },
      { speaker: 'agent', at: 5.5, dur: 4, text: '확인해 보니 채무면제 서비스가 가입되어 있습니다. 가입 경로를 확인해 보겠습니다.' },
      { speaker: 'customer', at: 10, dur: 5, text: '동의한 적 없다니까요. 이런 식이면 언론사에 제보할 거예요.' },
      { speaker: 'agent', at: 15.5, dur: 4, text: '불편을 드려 정말 죄송합니다. 녹취를 확인해서 부당하게 가입된 경우 전액 환불해 드리겠습니다.' },
      { speaker: 'customer', at: 20, dur: 5, text: '환불로 끝날 일이 아니에요. 변호사랑 상의해서 소송까지 생각하고 있습니다.' },
      { speaker: 'agent', at: 25.5, dur: 4, text: '말씀 충분히 이해합니다. 소비자보호 담당 부서에서 오늘 직접 연락드리도록 하겠습니다.' },
    ],
  },
  {
    key: 'agent-explains',
    title: '상담사의 민원 절차 안내 (알림 없어야 함)',
    customerId: 'CUST-52009',
    agentId: 'agent04',
    startsAfter: 16,
    expectAlert: false,
    lines: [
      { speaker: 'customer', at: 0, dur: 4, text: '혹시 이의 제기를 하려면 어디에 하면 되나요?' },
      { speaker: 'agent', at: 4.5, dur: 6, text: '저희 회사 소비자보호 부서에 접수하실 수 있고, 금융감독원 민원 절차도 안내해 드리겠습니다.' },
      { speaker: 'customer', at: 11, dur: 4, text: '아니요, 금감원까지 갈 생각은 없고요. 회사에서 먼저 확인해 주시면 돼요.' },
      { speaker: 'agent', at: 15.5, dur: 4, text: '네, 담당 부서로 바로 이관해 드리겠습니다.' },
    ],
  },
  {
    key: 'repeat-churn',
    title: '반복 문의 → 해지 예고',
    customerId: 'CUST-10231',
    agentId: 'agent02',
    startsAfter: 20,
    expectAlert: true,
    lines: [
      { speaker: 'customer', at: 0, dur: 5, text: '어제도 전화했던 사람인데요, 중복 승인 취소 아직도 안 됐어요.' },
      { speaker: 'agent', at: 5.5, dur: 4, text: '확인해 보니 취소 요청은 접수되어 있고 처리 중입니다.' },
      { speaker: 'customer', at: 10, dur: 5, text: '같은 얘기를 몇 번이나 하는 건지 모르겠네요. 그냥 카드 해지해 주세요.' },
      { speaker: 'agent', at: 15.5, dur: 4, text: '불편을 드려 죄송합니다. 해지 전에 취소 완료 여부를 먼저 확인해 드려도 될까요?' },
    ],
  },
];
