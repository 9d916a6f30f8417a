import { useQuery } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { get, qs, type Alert, type Case } from '../api';
import { fmtDateTime, fmtOffset } from '../format';
import { useT } from '../i18n';
import { Link, navigate } from '../router';
import { AlertStatus, Card, CaseStatus, CategoryTag, Empty, ErrorBox, HighlightText, Loading, SeverityBadge } from '../ui';

interface Result {
  transcripts: { total: number; items: { callId: string; utteranceId: string; speaker: string; startMs: number; text: string; callStartedAt: string; customerId: string | null; agentId: string | null }[] };
  alerts: { total: number; items: Alert[] };
  cases: { total: number; items: Case[] };
}

export function SearchPage() {
  const { t } = useT();
  const urlQ = new URLSearchParams(location.search).get('q') ?? '';
  const [q, setQ] = useState(urlQ);
  const [term, setTerm] = useState(urlQ);
  useEffect(() => { setQ(urlQ); setTerm(urlQ); }, [urlQ]);
  const res = useQuery<Result>({ queryKey: ['search', term], queryFn: () => get(`/api/search${qs({ q: term, limit: 30 })}`), enabled: term.trim().length > 0 });
  const submit = (e: FormEvent) => { e.preventDefault(); setTerm(q.trim()); navigate(`/search${qs({ q: q.trim() })}`, true); };
  const r = res.data;
  return (
    <div className="page">
      <header className="page-head"><div><h1>{t('search.title')}</h1><div className="sub">{t('search.hint')}</div></div></header>
      <form className="search-bar" onSubmit={submit}>
        <input value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('search.ph')} autoFocus data-testid="search-input" />
        <button className="btn btn-primary" type="submit">{t('search')}</button>
      </form>
      {!term ? <Empty title={t('search.hint')} icon="⌕" /> : res.isLoading ? <Loading /> : res.error ? <ErrorBox error={res.error} onRetry={() => res.refetch()} /> : r ? (
        <div className="search-grid" data-testid="search-results">
          <Card title={`${t('search.transcripts')} (${r.transcripts.total})`} pad={false}>
            {r.transcripts.items.length === 0 ? <div className="pad muted">{t('search.none')}</div> : (
              <ul className="result-list">{r.transcripts.items.map((x) => (
                <li key={`${x.callId}-${x.utteranceId}`}>
                  <div className="result-meta"><Link to={`/calls/${encodeURIComponent(x.callId)}`} className="mono">{fmtDateTime(x.callStartedAt)}</Link> · {t('customer')} {x.customerId ?? '—'} · {t('agent')} {x.agentId ?? '—'} · {x.speaker === 'customer' ? t('customer') : t('agent')} {fmtOffset(x.startMs)}</div>
                  <div className="result-text"><HighlightText text={x.text} needle={term} /></div>
                </li>))}</ul>
            )}
          </Card>
          <Card title={`${t('search.alerts')} (${r.alerts.total})`} pad={false}>
            {r.alerts.items.length === 0 ? <div className="pad muted">{t('search.none')}</div> : (
              <ul className="mini-list">{r.alerts.items.map((a) => (
                <li key={a.id}><SeverityBadge severity={a.severity} /> <CategoryTag category={a.category} /> <Link to={`/calls/${encodeURIComponent(a.callId)}?alert=${a.id}`} className="match-text">“{a.match}”</Link>
                  <span className="muted small">{fmtDateTime(a.createdAt)} · {a.customerId ?? '—'}</span><span className="grow" /><AlertStatus status={a.status} /></li>))}</ul>
            )}
          </Card>
          <Card title={`${t('search.cases')} (${r.cases.total})`} pad={false}>
            {r.cases.items.length === 0 ? <div className="pad muted">{t('search.none')}</div> : (
              <ul className="mini-list">{r.cases.items.map((c) => (
                <li key={c.id}><Link to={`/cases/${c.id}`} className="mono">{c.ref}</Link> <CaseStatus status={c.status} /> <span className="ellipsis">{c.title}</span><span className="grow" /><span className="muted small">{c.customerId ?? ''}</span></li>))}</ul>
            )}
          </Card>
        </div>
      ) : null}
    </div>
  );
}
