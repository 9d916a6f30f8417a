import type { OutboxEvent } from './types.js';
import { eventFacts } from './match.js';
import { STATUS_LABELS, type CaseStatus } from '../vom/workflow.js';
import { STATUS_LABELS as VOS_STATUS_LABELS, type VosStatus } from '../vos/model.js';

// What each kind of receiver gets for an event. Pure: event in, request body
// out. People read Slack, Teams and e-mail, so those get a short Korean summary;
// machines get the webhook envelope with the event's full data.

/** Korean labels for the detection categories (unknown ones are shown as is). */
export const CATEGORY_LABELS: Record<string, string> = {
  external_authority: '대외기관 민원 (금감원 등)',
  media: '언론·SNS 제보',
  legal: '법적 대응',
  complaint: '명시적 불만',
  churn: '해지·이탈 위협',
  abuse: '상담사 폭언·욕설',
  repeat: '반복 민원',
};

const TYPE_TITLES: Record<string, string> = {
  'alert.created': '🚨 민원 위험 알림',
  'alert.updated': '🔁 민원 위험 알림 (반복 감지)',
  'call.escalated': '⚠️ 통화 에스컬레이션 (복수 위험 유형)',
  test: '🧪 연결 테스트 (Test message)',
  'case.created': '📂 민원 사례 접수 (Case opened)',
  'case.updated': '✏️ 민원 사례 변경 (Case edited)',
  'case.status_changed': '🔄 민원 사례 상태 변경 (Case status)',
  'case.note_added': '📝 민원 사례 메모 (Case note)',
  'case.attachment_added': '📎 민원 사례 첨부 (Case attachment)',
  'case.linked': '🔗 민원 사례 연결 (Case link)',
  'case.repeat_contact': '🔁 반복 민원 접촉 (Repeat contact)',
  'early_warning.raised': '📈 조기 경보 발생 (Early warning raised)',
  'early_warning.updated': '📈 조기 경보 확대 (Early warning growing)',
  'early_warning.acknowledged': '👀 조기 경보 확인 (Early warning acknowledged)',
  'early_warning.resolved': '✅ 조기 경보 해소 (Early warning resolved)',
  'briefing.published': '📊 일일 브리핑 (Daily briefing)',
  'vos.post.created': '✉️ 고객의 소리 접수 (Customer post)',
  'vos.post.status_changed': '🔄 고객의 소리 상태 변경 (Post status)',
  'vos.post.answered': '💬 고객의 소리 답변 (Post answered)',
  'vos.post.hidden': '🙈 고객의 소리 비공개 (Post hidden)',
  'panel.invitation': '📨 고객 패널 설문 초대 (Panel invitation)',
  'panel.campaign.closed': '📋 고객 패널 설문 마감 (Panel campaign closed)',
};

const statusLabel = (s: unknown) => (typeof s === 'string' && s in STATUS_LABELS ? STATUS_LABELS[s as CaseStatus].ko : String(s));

/** The type of a test message sent on request (POST /api/subscriptions/:id/test). */
export const TEST_EVENT_TYPE = 'test';

export const eventId = (seq: number): string => `evt_${seq}`;
/** The id receivers see: `evt_<seq>`, or a test message's own id. */
export const idOf = (e: Pick<OutboxEvent, 'seq' | 'id'>): string => e.id ?? eventId(e.seq);

export interface WebhookEnvelope {
  id: string;
  type: string;
  createdAt: string;
  data: unknown;
}

export function webhookBody(e: OutboxEvent): string {
  const envelope: WebhookEnvelope = { id: idOf(e), type: e.type, createdAt: e.createdAt, data: e.payload };
  return JSON.stringify(envelope);
}

export interface Summary {
  title: string;
  /** Label → value lines, in display order. */
  facts: [string, string][];
  link: string | null;
}

type Loose = Record<string, any>;
const asObj = (v: unknown): Loose => (v && typeof v === 'object' ? (v as Loose) : {});
const label = (c: string) => CATEGORY_LABELS[c] ?? c;
const clip = (s: string, n = 200) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The few facts a person needs to decide whether to act, with a console link. */
export function summarize(e: OutboxEvent, publicUrl: string | null): Summary {
  const p = asObj(e.payload);
  const alert = asObj(p.alert);
  const call = asObj(p.call);
  const kase = asObj(p.case);
  const callId: string | undefined = alert.callId ?? call.id ?? p.callId;
  const facts: [string, string][] = [];
  if (typeof kase.ref === 'string') {
    facts.push(['사례 (Case)', kase.ref]);
    if (typeof kase.title === 'string') facts.push(['제목 (Title)', clip(kase.title)]);
    const details = asObj(p.details);
    const status = e.type === 'case.status_changed' && details.from ? `${statusLabel(details.from)} → ${statusLabel(details.to)}` : statusLabel(kase.status);
    facts.push(['상태 (Status)', status]);
    if (typeof kase.assigneeName === 'string') facts.push(['담당자 (Assignee)', kase.assigneeName]);
    if (typeof kase.dueAt === 'string') facts.push(['처리 기한 (Due)', `${kase.dueAt.slice(0, 10)}${kase.overdue ? ' (기한 초과)' : ''}`]);
  }
  const { severity, categories } = eventFacts(e.payload);
  if (categories.length > 0) facts.push(['유형 (Category)', categories.map(label).join(', ')]);
  if (severity !== null) facts.push(['심각도 (Severity)', `${severity}/5`]);
  if (typeof alert.match === 'string') facts.push(['감지 발화 (Matched)', `“${clip(alert.match)}”`]);
  if (typeof alert.speaker === 'string') facts.push(['화자 (Speaker)', alert.speaker === 'customer' ? '고객' : '상담사']);
  if (callId) facts.push(['통화 (Call)', callId]);
  if (typeof call.riskScore === 'number') facts.push(['위험 점수 (Risk)', String(call.riskScore)]);
  facts.push(...warningFacts(p));
  const post = asObj(p.post);
  if (typeof post.ref === 'string') facts.push(['게시글 (Post)', post.ref]);
  if (typeof p.title === 'string') facts.push(['제목 (Title)', clip(p.title)]);
  if (typeof post.ref === 'string' && typeof post.status === 'string') facts.push(['상태 (Status)', VOS_STATUS_LABELS[post.status as VosStatus]?.ko ?? post.status]);
  if (e.type === TEST_EVENT_TYPE && typeof p.message === 'string') facts.push(['내용 (Message)', clip(p.message, 400)]);
  const briefing = asObj(p.briefing);
  if (typeof briefing.day === 'string') facts.push(...briefingFacts(briefing, asObj(p.figures)));
  if (facts.length === 0) facts.push(['대상 (Subject)', e.subjectId]);
  const base = publicUrl?.replace(/\/+$/, '') ?? null;
  const warning = asObj(p.warning);
  const link = base
    ? typeof kase.id === 'string' ? `${base}/cases/${encodeURIComponent(kase.id)}`
      : typeof warning.id === 'string' ? `${base}/early-warnings/${encodeURIComponent(warning.id)}`
      : typeof briefing.day === 'string' ? `${base}/briefings/${encodeURIComponent(briefing.day)}`
      : typeof post.id === 'string' ? `${base}/vos/${encodeURIComponent(post.id)}`
      : callId ? `${base}/calls/${encodeURIComponent(callId)}` : `${base}/`
    : null;
  const title = TYPE_TITLES[e.type] ?? `민원 레이더 이벤트: ${e.type}`;
  return { title: typeof briefing.day === 'string' ? `${title} ${briefing.day}` : title, facts, link };
}

const num = (v: unknown) => (typeof v === 'number' ? v.toLocaleString('ko-KR') : '—');

/** The briefing's key numbers, each with what it is compared against. */
function briefingFacts(b: Loose, f: Loose): [string, string][] {
  const facts: [string, string][] = [
    ['기준일 (Day)', `${b.day}${b.partial ? ' (중간 집계 · partial)' : ''}${typeof b.version === 'number' && b.version > 1 ? ` · v${b.version}` : ''}`],
    ['모니터링 통화 (Calls)', num(f.calls)],
    ['알림 (Alerts)', `${num(f.alerts)} (전일 ${num(f.alertsPreviousDay)} · 전주 ${num(f.alertsWeekBefore)})`],
    ['고위험 알림 (Severity 4–5)', num(f.highSeverityAlerts)],
    ['신규 사례 (New cases)', num(f.newCases)],
    ['진행 중 사례 (Open cases)', num(f.openCases)],
    ['SLA 초과 (Past due)', num(f.slaBreaches)],
    ['반복 민원 (Repeat)', num(f.repeats)],
  ];
  if (typeof f.earlyWarnings === 'number') facts.push(['조기 경보 (Early warnings)', num(f.earlyWarnings)]);
  const top = asObj(f.topCategory);
  if (typeof top.id === 'string') facts.push(['최다 유형 (Top category)', `${label(top.id)} ${num(top.count)}`]);
  const call = asObj(f.topCall);
  if (typeof call.callId === 'string') facts.push(['주요 통화 (Top call)', `${call.callId} — “${clip(String(call.match ?? ''), 80)}” (심각도 ${call.severity}/5)`]);
  return facts;
}

/** Korea has no daylight saving: UTC+9 is exact. */
const kst = (iso: string) => `${new Date(Date.parse(iso) + 9 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')} KST`;
const WARNING_STATUS_LABELS: Record<string, string> = { open: '신규', acknowledged: '확인됨', resolved: '해소' };

/** An early warning's facts: the topic, calls now against the expectation, since when, status. */
function warningFacts(p: Loose): [string, string][] {
  const w = asObj(p.warning);
  if (typeof w.topicLabel !== 'string') return [];
  const facts: [string, string][] = [['이슈 (Issue)', w.topicLabel]];
  if (typeof w.calls === 'number') {
    const expected = typeof w.baseline === 'number' ? ` · 평소 ${w.baseline.toFixed(1)}건 예상 (expected)` : '';
    facts.push(['최근 통화 (Calls)', `${w.calls}건 / ${w.windowMinutes ?? '?'}분${expected}`]);
  }
  if (typeof p.previousCalls === 'number') facts.push(['이전 알림 (Before)', `${p.previousCalls}건`]);
  if (typeof w.raisedAt === 'string' && !Number.isNaN(Date.parse(w.raisedAt))) facts.push(['발생 (Since)', kst(w.raisedAt)]);
  if (typeof w.status === 'string') facts.push(['상태 (Status)', WARNING_STATUS_LABELS[w.status] ?? w.status]);
  if (typeof p.by === 'string') facts.push(['처리자 (By)', p.by]);
  return facts;
}

const slackEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Slack incoming webhook: `text` in Slack's mrkdwn. */
export function slackBody(e: OutboxEvent, publicUrl: string | null): string {
  const s = summarize(e, publicUrl);
  const lines = [`*[민원 레이더] ${slackEscape(s.title)}*`, ...s.facts.map(([k, v]) => `• ${slackEscape(k)}: ${slackEscape(v)}`)];
  if (s.link) lines.push(`<${s.link}|콘솔에서 보기 (Open in console)>`);
  lines.push(`_${idOf(e)}_`);
  return JSON.stringify({ text: lines.join('\n') });
}

/** Microsoft Teams incoming webhook / Workflows: a message with an Adaptive Card. */
export function teamsBody(e: OutboxEvent, publicUrl: string | null): string {
  const s = summarize(e, publicUrl);
  const card = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body: [
      { type: 'TextBlock', text: `[민원 레이더] ${s.title}`, weight: 'Bolder', size: 'Medium', wrap: true },
      { type: 'FactSet', facts: s.facts.map(([title, value]) => ({ title, value })) },
      { type: 'TextBlock', text: idOf(e), isSubtle: true, size: 'Small' },
    ],
    actions: s.link ? [{ type: 'Action.OpenUrl', title: '콘솔에서 보기 (Open in console)', url: s.link }] : [],
  };
  return JSON.stringify({
    type: 'message',
    summary: `[민원 레이더] ${s.title}`,
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }],
  });
}

export interface MailContent {
  subject: string;
  text: string;
}

export function mailContent(e: OutboxEvent, publicUrl: string | null): MailContent {
  const s = summarize(e, publicUrl);
  const headline = s.facts.find(([k]) => k.startsWith('유형') || k.startsWith('이슈'))?.[1];
  const sev = s.facts.find(([k]) => k.startsWith('심각도'))?.[1];
  const subject = `[민원 레이더] ${s.title.replace(/^[\p{Extended_Pictographic}\uFE0F\s]+/u, '')}${headline ? ` — ${headline}` : ''}${sev ? ` (심각도 ${sev})` : ''}`;
  const text = [
    s.title,
    '',
    ...s.facts.map(([k, v]) => `${k}: ${v}`),
    ...(s.link ? ['', `콘솔에서 보기 (Open in console): ${s.link}`] : []),
    '',
    '--',
    `이벤트 ${idOf(e)} · ${e.type} · ${e.createdAt}`,
    '이 메일은 민원 레이더가 자동으로 보냈습니다. (Sent automatically by Minwon Radar.)',
  ].join('\n');
  return { subject, text };
}

/**
 * A clearly marked test event, sent straight through a subscription's sender on
 * request — never through the outbox, so it is no delivery and no dead letter.
 */
export function testEvent(o: { id: string; subscription: { id: string; name: string }; requestedBy: string; now?: Date }): OutboxEvent {
  return {
    seq: 0,
    id: o.id,
    type: TEST_EVENT_TYPE,
    subjectId: o.subscription.id,
    createdAt: (o.now ?? new Date()).toISOString(),
    payload: {
      test: true,
      message: '민원 레이더 연결 테스트입니다. 실제 알림이 아니니 조치하지 마세요. (This is a test message from Minwon Radar, not a real alert; no action needed.)',
      subscription: o.subscription,
      requestedBy: o.requestedBy,
    },
  };
}
