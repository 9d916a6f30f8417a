import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { ApiError, download, get, post, qs, type Case } from '../api';
import { can, useMe } from '../App';
import { Chart } from '../Chart';
import { fmtDateTime } from '../format';
import { CATEGORY_IDS, categoryColor, useT } from '../i18n';
import { useEventStream } from '../live';
import { Link, navigate } from '../router';
import { Card, CategoryTag, Empty, ErrorBox, Highlighted, Loading, Modal, SeverityBadge, Spinner, errorText, toast, useSubmit } from '../ui';
import './vos.css';

// 고객의 소리: the board of what customers write on the website/app. A list
// with status tabs and filters, the selected post with its masked text, risk
// spans, moderation and answer, conversion to a case, and the recurring-topic
// panel (chart + table). Follows the board's stream so other officers'
// changes show at once.

type Status = 'received' | 'in_review' | 'answered' | 'hidden';
const STATUSES: Status[] = ['received', 'in_review', 'answered', 'hidden'];
const KINDS = ['complaint', 'suggestion', 'question', 'praise'];
const CHANNELS = ['homepage', 'app', 'survey', 'panel', 'other'];
const STREAM_TYPES = ['vos.post.created', 'vos.post.status_changed', 'vos.post.answered', 'vos.post.hidden'];
const TOPIC_COLORS = ['#1c7ed6', '#e8590c', '#2b8a3e', '#7048e8', '#c2255c', '#0b7285', '#a15c00'];

interface Hit { field: 'title' | 'body'; ruleId: string; category: string; severity: number; start: number; end: number; match: string; negated: boolean; explanation: string }
interface Redaction { field: 'title' | 'body'; kind: string; start: number; end: number }
export interface VosPost {
  id: string; ref: string; externalId: string; channel: string; kind: string; title: string; body: string; customerId: string | null; product: string | null;
  postedAt: string; receivedAt: string; status: Status; hiddenReason: string | null; hiddenBy: string | null; hiddenAt: string | null;
  answer: string | null; answeredBy: string | null; answeredAt: string | null; redactions: Redaction[]; hits: Hit[]; categories: string[]; severity: number;
  topics: string[]; ruleSetVersion: number; topicSetVersion: number; caseId: string | null; caseRef: string | null; caseStatus: string | null;
}
interface PostList { items: VosPost[]; total: number; counts: Record<'all' | Status | 'flagged', number> }
interface HistoryItem { id: number; at: string; actorName: string; type: string; details: Record<string, any> }
interface TopicInfo { id: string; label: string; labelEn: string }
interface Settings { topics: TopicInfo[]; ruleSetVersion: number; topicSetVersion: number }
interface TopicFigures { id: string; label: string; labelEn: string; count: number; previous: number; change: number | null; rising: boolean; byKind: Record<string, number>; series: number[] }
interface Summary { from: string; to: string; days: string[]; posts: { count: number; previous: number; series: number[] }; untagged: number; topics: TopicFigures[]; rising: string[] }

interface Filters { status: string; kind: string; channel: string; topic: string; risk: string; category: string; q: string }
const NO_FILTERS: Filters = { status: '', kind: '', channel: '', topic: '', risk: '', category: '', q: '' };

const listParams = (f: Filters) => ({
  status: f.status, kind: f.kind, channel: f.channel, topic: f.topic, category: f.category, q: f.q.trim(),
  flagged: f.risk === 'flagged' ? true : f.risk === 'none' ? 'false' : undefined,
});

/** Error text the screen words itself for the refusals it knows. */
function useExplain() {
  const { t } = useT();
  return (e: unknown) => (e instanceof ApiError && t(`vos.err.${e.code}`) !== `vos.err.${e.code}` ? t(`vos.err.${e.code}`) : errorText(e));
}

export function VosPage({ focusId }: { focusId?: string }) {
  const { t, cat } = useT();
  const qc = useQueryClient();
  const [f, setF] = useState<Filters>(() => ({ ...NO_FILTERS, ...JSON.parse(sessionStorage.getItem('radar.vosFilters') ?? '{}') }));
  const [exporting, setExporting] = useState(false);
  const set = (patch: Partial<Filters>) => {
    const next = { ...f, ...patch };
    sessionStorage.setItem('radar.vosFilters', JSON.stringify(next));
    setF(next);
  };
  const params = listParams(f);
  const list = useQuery<PostList>({ queryKey: ['vos', 'list', params], queryFn: () => get(`/api/vos/posts${qs({ limit: 200, ...params })}`), refetchInterval: 60_000 });
  const settings = useQuery<Settings>({ queryKey: ['vos', 'settings'], queryFn: () => get('/api/vos/settings'), staleTime: 300_000 });
  const refresh = () => { void qc.invalidateQueries({ queryKey: ['vos'] }); };
  const stream = useEventStream('/api/vos/stream', Object.fromEntries(STREAM_TYPES.map((type) => [type, refresh])));
  const topicLabel = useTopicLabel(settings.data?.topics);
  const counts = list.data?.counts;
  const exportXlsx = async () => {
    setExporting(true);
    try { await download(`/api/vos/export.xlsx${qs(params)}`); } catch (e) { toast(errorText(e), 'err'); } finally { setExporting(false); }
  };

  return (
    <div className="page vos-page">
      <header className="page-head">
        <div>
          <h1>{t('vos.title')}</h1>
          <div className="sub">{t('vos.sub')}</div>
          <div className={`live-badge live-${stream}`} data-testid="vos-stream-state"><span className="dot" />{stream === 'open' ? t('vos.live') : t('vos.reconnecting')}</div>
        </div>
        <div className="head-actions">
          <button className="btn" onClick={exportXlsx} disabled={exporting} data-testid="vos-export">{exporting ? <Spinner /> : '⤓'} {t('exportXlsx')}</button>
        </div>
      </header>

      <div className="kpis vos-kpis">
        <Kpi label={t('vos.kpi.all')} value={counts?.all} onClick={() => set({ status: '', risk: '' })} active={!f.status && !f.risk} />
        <Kpi label={t('vos.kpi.waiting')} value={counts ? counts.received + counts.in_review : undefined} onClick={() => set({ status: 'received', risk: '' })} active={f.status === 'received'} />
        <Kpi label={t('vos.kpi.flagged')} value={counts?.flagged} onClick={() => set({ risk: 'flagged', status: '' })} active={f.risk === 'flagged'} tone="danger" testId="vos-kpi-flagged" />
        <Kpi label={t('vos.kpi.answered')} value={counts?.answered} onClick={() => set({ status: 'answered', risk: '' })} active={f.status === 'answered'} tone="ok" />
      </div>

      <div className="tabs" role="tablist">
        <button className={!f.status ? 'active' : ''} onClick={() => set({ status: '' })} data-testid="vos-tab-all">{t('vos.tab.all')} <span className="count-chip">{counts?.all ?? ''}</span></button>
        {STATUSES.map((s) => (
          <button key={s} className={f.status === s ? 'active' : ''} onClick={() => set({ status: s })} data-testid={`vos-tab-${s}`}>{t(`vos.status.${s}`)} <span className="count-chip">{counts?.[s] ?? ''}</span></button>
        ))}
      </div>
      <div className="filters">
        <input placeholder={t('vos.searchPh')} value={f.q} onChange={(e) => set({ q: e.target.value })} className="w-220" data-testid="vos-search" />
        <select value={f.kind} onChange={(e) => set({ kind: e.target.value })} aria-label={t('vos.kind')} data-testid="vos-filter-kind">
          <option value="">{t('vos.kind')}: {t('all')}</option>
          {KINDS.map((k) => <option key={k} value={k}>{t(`vos.kind.${k}`)}</option>)}
        </select>
        <select value={f.channel} onChange={(e) => set({ channel: e.target.value })} aria-label={t('vos.channel')}>
          <option value="">{t('vos.channel')}: {t('all')}</option>
          {CHANNELS.map((c) => <option key={c} value={c}>{t(`vos.channel.${c}`)}</option>)}
        </select>
        <select value={f.topic} onChange={(e) => set({ topic: e.target.value })} aria-label={t('vos.topic')} data-testid="vos-filter-topic">
          <option value="">{t('vos.topic')}: {t('all')}</option>
          {(settings.data?.topics ?? []).map((tp) => <option key={tp.id} value={tp.id}>{topicLabel(tp.id)}</option>)}
        </select>
        <select value={f.risk} onChange={(e) => set({ risk: e.target.value })} aria-label={t('vos.risk')} data-testid="vos-filter-risk">
          <option value="">{t('vos.risk')}: {t('all')}</option>
          <option value="flagged">{t('vos.risk.flagged')}</option>
          <option value="none">{t('vos.risk.none')}</option>
        </select>
        <select value={f.category} onChange={(e) => set({ category: e.target.value })} aria-label={t('vos.category')}>
          <option value="">{t('vos.category')}: {t('all')}</option>
          {CATEGORY_IDS.map((c) => <option key={c} value={c}>{cat(c)}</option>)}
        </select>
        {JSON.stringify(f) !== JSON.stringify(NO_FILTERS) ? <button className="btn btn-sm btn-ghost" onClick={() => set(NO_FILTERS)}>✕ {t('all')}</button> : null}
        <span className="filters-count">{list.data ? `${list.data.total}${t('alerts.total')}` : ''}</span>
      </div>

      <div className="vos-board">
        <Card pad={false} className="vos-list">
          {list.isLoading ? <Loading /> : list.error ? <ErrorBox error={list.error} onRetry={() => list.refetch()} /> : (list.data?.items.length ?? 0) === 0 ? (
            <Empty title={t('vos.empty')} hint={t('vos.emptyHint')} icon="✉" />
          ) : (
            <ul className="vos-rows" data-testid="vos-list">
              {list.data!.items.map((p) => <PostRow key={p.id} p={p} selected={p.id === focusId} topicLabel={topicLabel} />)}
            </ul>
          )}
        </Card>
        <div className="vos-detail-col">
          {focusId ? <PostDetail id={focusId} topicLabel={topicLabel} /> : <Card><Empty title={t('vos.pick')} icon="☰" /></Card>}
        </div>
      </div>

      <TopicPanel topicLabel={topicLabel} onPick={(id) => set({ topic: id })} />
    </div>
  );
}

function useTopicLabel(topics: TopicInfo[] | undefined) {
  const { lang } = useT();
  return useMemo(() => {
    const m = new Map((topics ?? []).map((tp) => [tp.id, lang === 'en' ? tp.labelEn || tp.label : tp.label]));
    return (id: string) => m.get(id) ?? id;
  }, [topics, lang]);
}

function Kpi({ label, value, onClick, active, tone, testId }: { label: string; value: number | undefined; onClick(): void; active: boolean; tone?: 'danger' | 'ok'; testId?: string }) {
  return (
    <button className={`kpi vos-kpi ${active ? 'active' : ''} ${tone ? `vos-kpi-${tone}` : ''}`} onClick={onClick} data-testid={testId}>
      <div className="kpi-label">{label}</div>
      <div className="kpi-value">{value ?? '—'}</div>
    </button>
  );
}

function RiskBadges({ p }: { p: Pick<VosPost, 'categories' | 'severity'> }) {
  if (p.severity === 0) return null;
  return (
    <span className="vos-risk" data-testid="vos-risk-badge">
      <SeverityBadge severity={p.severity} />
      {p.categories.map((c) => <CategoryTag key={c} category={c} />)}
    </span>
  );
}

function StatusPill({ status }: { status: Status }) {
  const { t } = useT();
  return <span className={`pill vos-pill-${status}`} data-testid="vos-status">{t(`vos.status.${status}`)}</span>;
}

function PostRow({ p, selected, topicLabel }: { p: VosPost; selected: boolean; topicLabel(id: string): string }) {
  const { t } = useT();
  return (
    <li className={`vos-row ${selected ? 'selected' : ''} ${p.severity >= 4 ? 'vos-row-risk' : ''}`} onClick={() => navigate(`/vos/${p.id}`)} data-testid="vos-row" data-post-ref={p.ref} data-external-id={p.externalId}
      style={p.severity > 0 ? { borderLeftColor: categoryColor(p.categories[0]) } : undefined}>
      <div className="vos-row-top">
        <span className="mono small muted">{p.ref}</span>
        <span className={`vos-kind vos-kind-${p.kind}`}>{t(`vos.kind.${p.kind}`)}</span>
        <span className="small muted">{t(`vos.channel.${p.channel}`)}</span>
        <span className="grow" />
        <StatusPill status={p.status} />
      </div>
      <div className="vos-row-title">{p.title}</div>
      <div className="vos-row-body">{p.body}</div>
      <div className="vos-row-foot">
        <RiskBadges p={p} />
        {p.topics.map((id) => <span key={id} className="vos-topic">#{topicLabel(id)}</span>)}
        {p.caseRef ? <span className="badge">{p.caseRef}</span> : null}
        <span className="grow" />
        <span className="small muted nowrap">{fmtDateTime(p.postedAt)}</span>
      </div>
    </li>
  );
}

/** Risk spans (coloured by severity, negated ones struck) and the redaction placeholders of one field. */
function spansOf(p: VosPost, field: 'title' | 'body', t: (k: string) => string, cat: (c: string) => string) {
  return [
    ...p.hits.filter((h) => h.field === field).map((h) => ({
      start: h.start, end: h.end, title: `${cat(h.category)} · ${h.severity}${h.negated ? ` · ${t('vos.negated')}` : ''}`,
      className: h.negated ? 'hit hit-negated' : `hit hit-sev${h.severity}`,
    })),
    ...p.redactions.filter((r) => r.field === field).map((r) => ({ start: r.start, end: r.end, title: t('vos.redactedHint'), className: 'vos-redacted' })),
  ];
}

function PostDetail({ id, topicLabel }: { id: string; topicLabel(id: string): string }) {
  const { t, cat } = useT();
  const me = useMe();
  const qc = useQueryClient();
  const explain = useExplain();
  const detail = useQuery<{ post: VosPost; history: HistoryItem[] }>({ queryKey: ['vos', 'post', id], queryFn: () => get(`/api/vos/posts/${encodeURIComponent(id)}`) });
  const [hiding, setHiding] = useState(false);
  const [converting, setConverting] = useState(false);
  const [answer, setAnswer] = useState('');
  const act = useSubmit(explain);
  const moderate = can(me, 'vos:moderate');

  if (detail.isLoading) return <Card><Loading /></Card>;
  if (detail.error) return <Card>{(detail.error as ApiError).status === 404 ? <Empty title={t('vos.notFound')} icon="?" /> : <ErrorBox error={detail.error} onRetry={() => detail.refetch()} />}</Card>;
  const { post: p, history } = detail.data!;
  const done = async (message: string) => {
    toast(`${p.ref}: ${message}`);
    await qc.invalidateQueries({ queryKey: ['vos'] });
  };
  const move = (to: Status, message: string) => act.run(async () => {
    await post(`/api/vos/posts/${p.id}/transition`, { to });
    await done(message);
  });
  const submitAnswer = () => act.run(async () => {
    await post(`/api/vos/posts/${p.id}/answer`, { answer });
    setAnswer('');
    await done(t('vos.answered'));
  });

  return (
    <section className="card vos-detail" data-testid="vos-detail" data-post-id={p.id}>
      <header className="vos-detail-head">
        <div className="vos-row-top">
          <span className="mono">{p.ref}</span>
          <span className={`vos-kind vos-kind-${p.kind}`}>{t(`vos.kind.${p.kind}`)}</span>
          <span className="small muted">{t(`vos.channel.${p.channel}`)}</span>
          <span className="grow" />
          <StatusPill status={p.status} />
        </div>
        <h2 className="vos-detail-title" data-testid="vos-detail-title"><Highlighted text={p.title} spans={spansOf(p, 'title', t, cat)} /></h2>
        <RiskBadges p={p} />
      </header>
      <div className="vos-detail-body">
        <p className="vos-text" data-testid="vos-detail-body"><Highlighted text={p.body} spans={spansOf(p, 'body', t, cat)} /></p>
        <dl className="kv kv-tight">
          <dt>{t('vos.postedAt')}</dt><dd>{fmtDateTime(p.postedAt)}</dd>
          <dt>{t('vos.customer')}</dt><dd>{p.customerId ?? '—'}</dd>
          {p.product ? <><dt>{t('vos.product')}</dt><dd>{p.product}</dd></> : null}
          <dt>{t('vos.topics')}</dt><dd>{p.topics.length ? p.topics.map((tp) => <span key={tp} className="vos-topic">#{topicLabel(tp)}</span>) : <span className="muted">{t('vos.noTopics')}</span>}</dd>
          <dt>{t('vos.externalId')}</dt><dd className="mono small">{p.externalId}</dd>
          {p.redactions.length ? <><dt>{t('vos.redacted')}</dt><dd>{p.redactions.length}</dd></> : null}
        </dl>

        <div className="vos-section-title">{t('vos.hits')} <span className="small muted">({t('vos.rules')} {t('vos.version')} {p.ruleSetVersion})</span></div>
        {p.hits.length === 0 ? <div className="small muted">{t('vos.noHits')}</div> : (
          <ul className="mini-list vos-hits" data-testid="vos-hits">
            {p.hits.map((h, i) => (
              <li key={i} className={h.negated ? 'vos-hit-negated' : ''}>
                <CategoryTag category={h.category} />
                <span className="grow">“{h.match}”{h.negated ? <span className="small muted"> — {t('vos.negated')}</span> : null}</span>
                {!h.negated ? <SeverityBadge severity={h.severity} /> : null}
              </li>
            ))}
          </ul>
        )}

        {p.answer ? (
          <div className="vos-answer" data-testid="vos-answer">
            <div className="vos-section-title">{t('vos.answer')}</div>
            <p>{p.answer}</p>
            <div className="small muted">{t('vos.answeredBy')} · {p.answeredBy} · {fmtDateTime(p.answeredAt)}</div>
          </div>
        ) : null}
        {p.status === 'hidden' ? (
          <div className="status-reason small" data-testid="vos-hidden-reason">🔒 {t('vos.hiddenBy')} · {p.hiddenBy} · {fmtDateTime(p.hiddenAt)} — {p.hiddenReason}</div>
        ) : null}

        {moderate && p.status === 'in_review' ? (
          <div className="vos-answer-box">
            <label className="field">{t('vos.answer')}
              <textarea rows={4} value={answer} onChange={(e) => setAnswer(e.target.value)} maxLength={5000} placeholder={t('vos.answerPh')} data-testid="vos-answer-text" />
            </label>
            <div className="row-actions"><span className="grow" /><button className="btn btn-primary" disabled={act.busy || !answer.trim()} onClick={submitAnswer} data-testid="vos-answer-submit">{act.busy ? <Spinner /> : null}{t('vos.answerSubmit')}</button></div>
          </div>
        ) : moderate && p.status === 'received' ? <div className="small muted vos-hint">{t('vos.answerNeedsReview')}</div> : null}

        {moderate ? (
          <div className="vos-actions">
            {p.status === 'received' ? <button className="btn btn-primary btn-sm" disabled={act.busy} onClick={() => move('in_review', t('vos.status.in_review'))} data-testid="vos-start-review">{t('vos.start')}</button> : null}
            {p.status === 'in_review' ? <button className="btn btn-sm" disabled={act.busy} onClick={() => move('received', t('vos.status.received'))}>{t('vos.back')}</button> : null}
            {p.status === 'hidden' ? <button className="btn btn-sm" disabled={act.busy} onClick={() => move('in_review', t('vos.status.in_review'))} data-testid="vos-restore">{t('vos.restore')}</button> : null}
            {p.status !== 'hidden' ? <button className="btn btn-sm btn-danger-ghost" onClick={() => setHiding(true)} data-testid="vos-hide">🔒 {t('vos.hide')}</button> : null}
            <span className="grow" />
            {!p.caseId && can(me, 'cases:write') ? <button className="btn btn-sm" onClick={() => setConverting(true)} data-testid="vos-to-case">▤ {t('vos.toCase')}</button> : null}
          </div>
        ) : null}
        {act.error ? <div className="form-error" role="alert" data-testid="vos-action-error">{act.error}</div> : null}

        {p.caseId ? (
          <div className="vos-case" data-testid="vos-case-link">
            <span className="small muted">{t('vos.linkedCase')}</span>
            <Link to={`/cases/${p.caseId}`} className="mono">{p.caseRef} →</Link>
            {p.caseStatus ? <span className={`pill pill-case-${p.caseStatus}`}>{t(`case.status.${p.caseStatus}`)}</span> : null}
          </div>
        ) : null}

        <div className="vos-section-title">{t('vos.history')}</div>
        <ol className="timeline" data-testid="vos-history">
          {[...history].reverse().map((h) => (
            <li key={h.id}>
              <div className="tl-when">{fmtDateTime(h.at)} · {h.actorName}</div>
              <div className="tl-what">{describe(h, t)}</div>
            </li>
          ))}
        </ol>
      </div>
      {hiding ? <HideModal p={p} onClose={() => setHiding(false)} /> : null}
      {converting ? <ToCaseModal p={p} onClose={() => setConverting(false)} /> : null}
    </section>
  );
}

function describe(h: HistoryItem, t: (k: string) => string): string {
  const d = h.details;
  const label = t(`vos.h.${h.type}`);
  if (h.type === 'status_changed') return `${label}: ${t(`vos.status.${d.from}`)} → ${t(`vos.status.${d.to}`)}`;
  if (h.type === 'hidden') return `${label}: ${d.reason ?? ''}`;
  if (h.type === 'case_linked') return `${label}: ${d.caseRef ?? ''}`;
  return label;
}

function HideModal({ p, onClose }: { p: VosPost; onClose(): void }) {
  const { t } = useT();
  const qc = useQueryClient();
  const [reason, setReason] = useState('');
  const { busy, error, run } = useSubmit(useExplain());
  const submit = () => run(async () => {
    await post(`/api/vos/posts/${p.id}/hide`, { reason });
    toast(`${p.ref}: ${t('vos.hidden')}`);
    await qc.invalidateQueries({ queryKey: ['vos'] });
    onClose();
  });
  return (
    <Modal title={`${t('vos.hideTitle')} — ${p.ref}`} onClose={onClose}
      footer={<><button className="btn btn-ghost" onClick={onClose}>{t('cancel')}</button><button className="btn btn-primary" disabled={busy} onClick={submit} data-testid="vos-hide-submit">{busy ? <Spinner /> : null}{t('vos.hide')}</button></>}>
      <label className="field">{t('vos.hideReason')}
        <textarea rows={3} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={1000} placeholder={t('vos.hideReasonPh')} data-testid="vos-hide-reason" autoFocus />
      </label>
      <p className="small muted">{t('vos.hideHint')}</p>
      {error ? <div className="form-error" role="alert" data-testid="vos-hide-error">{error}</div> : null}
    </Modal>
  );
}

function ToCaseModal({ p, onClose }: { p: VosPost; onClose(): void }) {
  const { t } = useT();
  const qc = useQueryClient();
  const [mode, setMode] = useState<'new' | 'link'>('new');
  const [title, setTitle] = useState(`[고객의 소리] ${p.title}`.slice(0, 200));
  const [severity, setSeverity] = useState(Math.max(p.severity, 2));
  const [caseId, setCaseId] = useState('');
  const open = useQuery<{ items: Case[] }>({ queryKey: ['cases', 'open-for-vos'], queryFn: () => get(`/api/cases${qs({ open: true, limit: 100, customerId: undefined })}`), enabled: mode === 'link' });
  const { busy, error, run } = useSubmit(useExplain());
  const submit = () => run(async () => {
    const res = await post<{ caseId: string; caseRef: string; createdCase: boolean }>(`/api/vos/posts/${p.id}/case`, mode === 'new' ? { title, severity } : { caseId });
    toast(`${p.ref} → ${res.caseRef}: ${res.createdCase ? t('vos.converted') : t('vos.linked')}`);
    await qc.invalidateQueries({ queryKey: ['vos'] });
    await qc.invalidateQueries({ queryKey: ['cases'] });
    onClose();
  });
  // The customer's own open cases first: the likeliest to join.
  const cases = [...(open.data?.items ?? [])].sort((a, b) => Number(b.customerId === p.customerId && !!p.customerId) - Number(a.customerId === p.customerId && !!p.customerId));
  return (
    <Modal title={`${t('vos.toCase')} — ${p.ref}`} onClose={onClose}
      footer={<><button className="btn btn-ghost" onClick={onClose}>{t('cancel')}</button><button className="btn btn-primary" disabled={busy || (mode === 'new' ? !title.trim() : !caseId)} onClick={submit} data-testid="vos-to-case-submit">{busy ? <Spinner /> : null}{t('vos.toCase')}</button></>}>
      <div className="tabs">
        <button className={mode === 'new' ? 'active' : ''} onClick={() => setMode('new')} data-testid="vos-to-case-new">{t('vos.toCaseNew')}</button>
        <button className={mode === 'link' ? 'active' : ''} onClick={() => setMode('link')} data-testid="vos-to-case-link">{t('vos.toCaseLink')}</button>
      </div>
      {mode === 'new' ? (
        <div className="form-grid">
          <label className="field span2">{t('vos.caseTitle')}<input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} data-testid="vos-case-title" /></label>
          <label className="field">{t('vos.severity')}<select value={severity} onChange={(e) => setSeverity(Number(e.target.value))}>{[5, 4, 3, 2, 1].map((s) => <option key={s} value={s}>{s}</option>)}</select></label>
          <div className="field">{t('vos.category')}<div>{p.categories.length ? p.categories.map((c) => <CategoryTag key={c} category={c} />) : <span className="muted">—</span>}</div></div>
        </div>
      ) : open.isLoading ? <Loading /> : cases.length === 0 ? <div className="muted small">{t('vos.noOpenCases')}</div> : (
        <label className="field">{t('vos.pickCase')}
          <select value={caseId} onChange={(e) => setCaseId(e.target.value)} data-testid="vos-case-select">
            <option value="">—</option>
            {cases.map((c) => <option key={c.id} value={c.id}>{c.ref} · {c.title}{c.customerId ? ` · ${c.customerId}` : ''}</option>)}
          </select>
        </label>
      )}
      <p className="small muted">{t('vos.toCaseHint')}</p>
      {error ? <div className="form-error" role="alert">{error}</div> : null}
    </Modal>
  );
}

const PERIODS = [7, 30, 90];

function TopicPanel({ topicLabel, onPick }: { topicLabel(id: string): string; onPick(id: string): void }) {
  const { t, lang } = useT();
  const [days, setDays] = useState(30);
  const summary = useQuery<Summary>({
    queryKey: ['vos', 'topics', days],
    queryFn: () => {
      const to = new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10);
      const from = new Date(Date.parse(`${to}T00:00:00Z`) - (days - 1) * 86_400_000).toISOString().slice(0, 10);
      return get(`/api/vos/topics/summary${qs({ from, to })}`);
    },
    refetchInterval: 120_000,
  });
  const s = summary.data;
  const active = (s?.topics ?? []).filter((x) => x.count > 0 || x.previous > 0);
  const option = useMemo(() => (s ? chartOption(s, topicLabel, t) : null), [s, topicLabel, lang]);
  return (
    <Card className="vos-topics" title={<>{t('vos.topicPanel')} <span className="small muted vos-topic-sub">{t('vos.topicSub')}</span></>}
      actions={<select value={days} onChange={(e) => setDays(Number(e.target.value))} aria-label={t('vos.period')} data-testid="vos-topic-period">{PERIODS.map((d) => <option key={d} value={d}>{t(`vos.days${d}`)}</option>)}</select>}>
      {summary.isLoading ? <Loading /> : summary.error ? <ErrorBox error={summary.error} onRetry={() => summary.refetch()} /> : active.length === 0 ? (
        <Empty title={t('vos.noTopicData')} icon="#" />
      ) : (
        <div className="vos-topic-grid">
          <div>
            {option ? <Chart option={option} height={250} testId="vos-topic-chart" /> : null}
            <div className="vos-legend">
              {active.filter((x) => x.count > 0).slice(0, 6).map((x, i) => <span key={x.id}><i style={{ background: TOPIC_COLORS[i % TOPIC_COLORS.length] }} />{topicLabel(x.id)}</span>)}
              {active.filter((x) => x.count > 0).length > 6 ? <span><i style={{ background: '#adb5bd' }} />{t('vos.others')}</span> : null}
              <span><i className="vos-legend-line" />{t('vos.chartPosts')}</span>
            </div>
            <div className="vos-period-kpis">
              <div><div className="kpi-label">{t('vos.periodPosts')}</div><div className="kpi-value" data-testid="vos-period-posts">{s!.posts.count}</div><div className="small muted">{t('vos.t.previous')} {s!.posts.previous}</div></div>
              <div><div className="kpi-label">{t('vos.risingCount')}</div><div className="kpi-value vos-up">{s!.rising.length}</div><div className="small muted">{s!.rising.slice(0, 2).map(topicLabel).join(', ') || '—'}</div></div>
              <div>
                <div className="kpi-label">{t('vos.t.kinds')}</div>
                <div className="vos-legend vos-kind-legend">{KINDS.map((k) => <span key={k}><i style={{ background: KIND_COLORS[k] }} />{t(`vos.kind.${k}`)}</span>)}</div>
              </div>
            </div>
          </div>
          <table className="table table-compact" data-testid="vos-topic-table">
            <thead><tr><th>{t('vos.t.topic')}</th><th className="num">{t('vos.t.count')}</th><th className="num">{t('vos.t.previous')}</th><th className="num">{t('vos.t.change')}</th><th>{t('vos.t.kinds')}</th></tr></thead>
            <tbody>
              {active.map((x) => (
                <tr key={x.id} className="clickable" onClick={() => onPick(x.id)} title={t('vos.filterTopic')} data-topic-id={x.id}>
                  <td>{topicLabel(x.id)}{x.rising ? <span className="badge badge-over" data-testid="vos-rising">↑ {t('vos.rising')}</span> : null}</td>
                  <td className="num"><strong>{x.count}</strong></td>
                  <td className="num muted">{x.previous}</td>
                  <td className={`num ${x.change !== null && x.change > 0 ? 'vos-up' : x.change !== null && x.change < 0 ? 'vos-down' : ''}`}>{x.change === null ? (x.count > 0 ? t('vos.new') : '—') : `${x.change > 0 ? '+' : ''}${Math.round(x.change * 100)}%`}</td>
                  <td><KindBar byKind={x.byKind} /></td>
                </tr>
              ))}
              <tr className="muted"><td>{t('vos.untagged')}</td><td className="num">{s!.untagged}</td><td /><td /><td /></tr>
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

const KIND_COLORS: Record<string, string> = { complaint: '#e03131', suggestion: '#1c7ed6', question: '#f59f00', praise: '#2f9e44' };

function KindBar({ byKind }: { byKind: Record<string, number> }) {
  const { t } = useT();
  const total = KINDS.reduce((n, k) => n + (byKind[k] ?? 0), 0);
  if (total === 0) return <span className="muted">—</span>;
  return (
    <div className="vos-kindbar" title={KINDS.map((k) => `${t(`vos.kind.${k}`)} ${byKind[k] ?? 0}`).join(' · ')}>
      {KINDS.filter((k) => byKind[k]).map((k) => <span key={k} style={{ flexGrow: byKind[k], background: KIND_COLORS[k] }} />)}
    </div>
  );
}

/** Stacked bars per day: the top topics of the period, the rest together. */
function chartOption(s: Summary, topicLabel: (id: string) => string, t: (k: string) => string) {
  const top = s.topics.filter((x) => x.count > 0).slice(0, 6);
  const rest = s.topics.filter((x) => x.count > 0).slice(6);
  const others = s.days.map((_, i) => rest.reduce((n, x) => n + x.series[i]!, 0));
  const series = [
    ...top.map((x, i) => ({ type: 'bar', stack: 'topics', name: topicLabel(x.id), data: x.series, itemStyle: { color: TOPIC_COLORS[i % TOPIC_COLORS.length] }, barMaxWidth: 22 })),
    ...(rest.length ? [{ type: 'bar', stack: 'topics', name: t('vos.others'), data: others, itemStyle: { color: '#adb5bd' }, barMaxWidth: 22 }] : []),
    { type: 'line', name: t('vos.chartPosts'), data: s.posts.series, symbol: 'none', lineStyle: { color: '#1f3a5f', width: 1.5, type: 'dashed' }, itemStyle: { color: '#1f3a5f' } },
  ];
  return {
    animation: false,
    grid: { left: 32, right: 10, top: 28, bottom: 24 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: s.days.map((d) => d.slice(5)), axisLabel: { fontSize: 10 }, axisTick: { show: false } },
    yAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: '#eef1f5' } }, axisLabel: { fontSize: 10 } },
    series,
  };
}
