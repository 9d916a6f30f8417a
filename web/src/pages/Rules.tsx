import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { ApiError, get, post, type Hit } from '../api';
import { can, useMe } from '../App';
import { fmtDateTime, kstDate } from '../format';
import { useT } from '../i18n';
import { Card, CategoryTag, Empty, ErrorBox, Highlighted, Loading, SeverityBadge, Spinner, errorText, toast } from '../ui';

interface RuleSetResponse { version: number; publishedAt: string | null; publishedBy: string | null; note: string | null; doc: any; format: string; ruleCount?: number }
interface Version { version: number; publishedAt: string; publishedBy: string; note: string; ruleCount: number }
interface Issue { path: string; message: string }

/** Reads the summary numbers of either side of a backtest report, whatever its exact shape. */
const num = (...vals: unknown[]) => vals.find((v) => typeof v === 'number') as number | undefined;
const listOf = (v: any): any[] => (Array.isArray(v) ? v : Array.isArray(v?.samples) ? v.samples : []);

export function RulesPage() {
  const { t, cat } = useT();
  const me = useMe();
  const qc = useQueryClient();
  const writer = can(me, 'rules:write');
  const live = useQuery<RuleSetResponse>({ queryKey: ['rules'], queryFn: () => get('/api/rules') });
  const versions = useQuery<{ items: Version[] }>({ queryKey: ['rules-versions'], queryFn: () => get('/api/rules/versions') });
  const [text, setText] = useState('');
  const [issues, setIssues] = useState<Issue[] | null>(null);
  const [validMsg, setValidMsg] = useState<string | null>(null);
  const [parseError, setParseError] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const [tab, setTab] = useState<'list' | 'editor'>('list');

  useEffect(() => {
    if (live.data && text === '') setText(JSON.stringify(live.data.doc, null, 2));
  }, [live.data]);
  const liveText = live.data ? JSON.stringify(live.data.doc, null, 2) : '';
  const dirty = text !== '' && text !== liveText;

  const draft = useMemo(() => {
    try { setParseError(null); return JSON.parse(text); } catch (e) { setParseError((e as Error).message); return null; }
  }, [text]);
  const rules: any[] = Array.isArray(draft?.rules) ? draft.rules : Array.isArray(live.data?.doc?.rules) ? live.data!.doc.rules : [];
  const shown = rules.filter((r) => !filter || JSON.stringify(r).toLowerCase().includes(filter.toLowerCase()));

  const validate = async () => {
    setIssues(null);
    setValidMsg(null);
    if (!draft) return;
    try {
      const r = await post<{ ok: boolean; ruleCount: number }>('/api/rules/validate', { doc: draft });
      setValidMsg(`${t('rules.valid')} (${r.ruleCount})`);
    } catch (e) {
      if (e instanceof ApiError && e.details?.errors) setIssues(e.details.errors);
      else setIssues([{ path: '', message: errorText(e) }]);
    }
  };
  const publish = async (note: string) => {
    try {
      const r = await post<{ version: number }>('/api/rules/publish', { doc: draft, note });
      toast(`${t('rules.published.ok')}: v${r.version}`);
      setText('');
      qc.invalidateQueries({ queryKey: ['rules'] });
      qc.invalidateQueries({ queryKey: ['rules-versions'] });
    } catch (e) {
      if (e instanceof ApiError && e.details?.errors) setIssues(e.details.errors);
      toast(errorText(e), 'err');
    }
  };
  const rollback = async (version: number) => {
    if (!confirm(`v${version} → ${t('rules.rollback')}?`)) return;
    try {
      const r = await post<{ version: number }>('/api/rules/rollback', { version });
      toast(`v${version} → v${r.version}`);
      setText('');
      qc.invalidateQueries({ queryKey: ['rules'] });
      qc.invalidateQueries({ queryKey: ['rules-versions'] });
    } catch (e) { toast(errorText(e), 'err'); }
  };

  if (live.isLoading) return <div className="page"><Loading /></div>;
  if (live.error) return <div className="page"><h1>{t('rules.title')}</h1><ErrorBox error={live.error} onRetry={() => live.refetch()} /></div>;
  const l = live.data!;

  return (
    <div className="page page-rules">
      <header className="page-head">
        <div>
          <h1>{t('rules.title')}</h1>
          <div className="sub" data-testid="rules-version">{t('rules.live')} v{l.version} · {t('rules.count').replace('{n}', String(l.ruleCount ?? l.doc?.rules?.length ?? 0))} · {l.publishedAt ? `${t('rules.published')} ${fmtDateTime(l.publishedAt)}${l.publishedBy ? ` · ${l.publishedBy}` : ''}` : t('rules.bundled')}{l.note ? ` · “${l.note}”` : ''}</div>
        </div>
        {dirty ? <div className="head-actions"><span className="badge badge-over">{t('rules.draftChanged')}</span><button className="btn btn-ghost" onClick={() => { setText(liveText); setIssues(null); }}>{t('rules.reset')}</button></div> : null}
      </header>

      <div className="rules-grid">
        <div className="rules-main">
          <div className="tabs">
            <button className={tab === 'list' ? 'active' : ''} onClick={() => setTab('list')}>{t('rules.list')} ({rules.length})</button>
            <button className={tab === 'editor' ? 'active' : ''} onClick={() => setTab('editor')} data-testid="tab-editor">{t('rules.editor')}</button>
          </div>
          {tab === 'list' ? (
            <Card pad={false}>
              <div className="pad"><input placeholder={t('rules.filter')} value={filter} onChange={(e) => setFilter(e.target.value)} className="w-220" /></div>
              <div className="scroll-y rules-list">
                <table className="table">
                  <thead><tr><th>ID</th><th className="w-130">{t('category')}</th><th className="w-40">{t('sev')}</th><th>{t('rules.terms')}</th></tr></thead>
                  <tbody>
                    {shown.map((r, i) => (
                      <tr key={`${r.id}-${i}`} className={r.enabled === false ? 'dim' : ''}>
                        <td><code>{r.id}</code>{r.description ? <div className="match-sub">{r.description}</div> : null}</td>
                        <td><CategoryTag category={r.category} /></td>
                        <td><SeverityBadge severity={r.severity} /></td>
                        <td className="terms-cell">{Array.isArray(r.terms) ? r.terms.slice(0, 8).map((x: string) => <span key={x} className="term">{x}</span>) : <span className="badge">{t('rules.composite')}</span>}{Array.isArray(r.terms) && r.terms.length > 8 ? <span className="muted small"> +{r.terms.length - 8}</span> : null}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </Card>
          ) : (
            <Card pad={false} actions={null}>
              <textarea className="code-editor" spellCheck={false} value={text} onChange={(e) => { setText(e.target.value); setIssues(null); setValidMsg(null); }} data-testid="rules-editor" readOnly={!writer} />
              <div className="editor-bar">
                {parseError ? <span className="form-error inline">JSON: {parseError}</span> : validMsg ? <span className="ok-text" data-testid="valid-msg">✓ {validMsg}</span> : <span className="muted small">JSON · {rules.length} rules</span>}
                <span className="grow" />
                <button className="btn" disabled={!draft} onClick={validate} data-testid="validate">{t('rules.validate')}</button>
                {writer ? <PublishButton disabled={!draft || !dirty} onPublish={publish} /> : null}
              </div>
              {issues && issues.length > 0 ? <ul className="issues" data-testid="rule-issues">{issues.map((x, i) => <li key={i}><code>{x.path || '/'}</code> {x.message}</li>)}</ul> : null}
            </Card>
          )}
          <Backtest draft={draft} cat={cat} />
        </div>
        <div className="rules-side">
          <TestSentence draft={dirty ? draft : null} />
          <Card title={t('rules.versions')} pad={false}>
            {versions.isLoading ? <Loading /> : versions.error ? <ErrorBox error={versions.error} /> : (versions.data?.items ?? []).length === 0 ? <div className="pad muted">{t('rules.noVersions')}</div> : (
              <ul className="mini-list versions">
                {versions.data!.items.map((v) => (
                  <li key={v.version}>
                    <b>v{v.version}</b>{v.version === l.version ? <span className="pill pill-live">{t('rules.live')}</span> : null}
                    <span className="muted small">{fmtDateTime(v.publishedAt)} · {v.publishedBy} · {v.ruleCount}</span>
                    <span className="ellipsis small">{v.note}</span><span className="grow" />
                    {writer && v.version !== l.version ? <button className="btn btn-sm btn-ghost" onClick={() => rollback(v.version)}>{t('rules.rollback')}</button> : null}
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
      </div>
    </div>
  );
}

function PublishButton({ disabled, onPublish }: { disabled: boolean; onPublish(note: string): void }) {
  const { t } = useT();
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  if (!open) return <button className="btn btn-primary" disabled={disabled} onClick={() => setOpen(true)} data-testid="publish">{t('rules.publish')}</button>;
  return (
    <span className="inline-form">
      <input autoFocus placeholder={t('rules.note')} value={note} onChange={(e) => setNote(e.target.value)} data-testid="publish-note" />
      <button className="btn btn-primary" onClick={() => { onPublish(note); setOpen(false); setNote(''); }} data-testid="publish-confirm">{t('confirm')}</button>
      <button className="btn btn-ghost" onClick={() => setOpen(false)}>{t('cancel')}</button>
    </span>
  );
}

function TestSentence({ draft }: { draft: unknown | null }) {
  const { t } = useT();
  const [text, setText] = useState('이거 해결 안 되면 금감원에 민원 넣을 거예요. 기자한테도 제보할 겁니다.');
  const [speaker, setSpeaker] = useState<'customer' | 'agent'>('customer');
  const [res, setRes] = useState<{ text: string; hits: Hit[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<unknown>(null);
  const run = async () => {
    setBusy(true);
    setErr(null);
    try {
      const r = await post<{ hits: Hit[] }>('/api/rules/test', { text, speaker, ...(draft ? { doc: draft } : {}) });
      setRes({ text, hits: r.hits });
    } catch (e) { setErr(e); } finally { setBusy(false); }
  };
  return (
    <Card title={t('rules.test')}>
      <textarea rows={3} value={text} onChange={(e) => setText(e.target.value)} placeholder={t('rules.testPh')} data-testid="test-sentence" className="w-full" />
      <div className="row gap">
        <select value={speaker} onChange={(e) => setSpeaker(e.target.value as 'customer' | 'agent')} aria-label={t('rules.speaker')}><option value="customer">{t('customer')}</option><option value="agent">{t('agent')}</option></select>
        {draft ? <span className="badge badge-over small">{t('rules.candidate')}</span> : null}
        <span className="grow" />
        <button className="btn btn-primary" disabled={busy || !text.trim()} onClick={run} data-testid="run-test">{busy ? <Spinner /> : null}{t('rules.runTest')}</button>
      </div>
      {err ? <ErrorBox error={err} /> : null}
      {res ? (
        <div className="test-result" data-testid="test-result">
          <div className="test-text"><Highlighted text={res.text} spans={res.hits.map((h) => ({ start: h.start, end: h.end, title: `${h.ruleId}\n${h.explanation}`, className: h.negated ? 'hit hit-negated' : `hit hit-sev${h.severity}` }))} /></div>
          {res.hits.length === 0 ? <div className="muted">{t('rules.noHits')}</div> : (
            <ul className="mini-list">
              {res.hits.map((h, i) => <li key={i}><SeverityBadge severity={h.severity} /> <CategoryTag category={h.category} /> <span className="match-text">“{h.match}”</span><code className="small">{h.ruleId}</code>{h.negated ? <span className="badge">{t('rules.negated')}</span> : null}{h.distance > 0 ? <span className="badge">≈{h.distance}</span> : null}</li>)}
            </ul>
          )}
        </div>
      ) : null}
    </Card>
  );
}

function Backtest({ draft, cat }: { draft: unknown; cat: (c: string) => string }) {
  const { t } = useT();
  const [from, setFrom] = useState(() => kstDate(new Date(Date.now() - 30 * 86_400_000)));
  const [to, setTo] = useState(() => kstDate(new Date(Date.now() + 86_400_000)));
  const [res, setRes] = useState<any>(null);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<unknown>(null);
  const run = async () => {
    setBusy(true);
    setErr(null);
    try {
      setRes(await post('/api/rules/backtest', { doc: draft, from: new Date(`${from}T00:00:00+09:00`).toISOString(), to: new Date(`${to}T00:00:00+09:00`).toISOString() }));
    } catch (e) { setErr(e); } finally { setBusy(false); }
  };
  const liveN = num(res?.live?.alerts, res?.live?.hits);
  const candN = num(res?.candidate?.alerts, res?.candidate?.hits);
  const cats = [...new Set([...Object.keys(res?.live?.byCategory ?? {}), ...Object.keys(res?.candidate?.byCategory ?? {})])];
  return (
    <Card title={t('rules.backtest')}>
      <div className="row gap">
        <label className="inline-label">{t('rules.from')} <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="bt-from" /></label>
        <label className="inline-label">{t('rules.to')} <input type="date" value={to} onChange={(e) => setTo(e.target.value)} data-testid="bt-to" /></label>
        <span className="grow" />
        <button className="btn btn-primary" disabled={busy || !draft} onClick={run} data-testid="run-backtest">{busy ? <Spinner /> : null}{t('rules.runBacktest')}</button>
      </div>
      {busy ? <div className="progress"><span /></div> : null}
      {err ? <ErrorBox error={err} /> : null}
      {res ? (
        <div className="backtest" data-testid="backtest-result">
          <div className="bt-stats">
            <div><span className="bt-n">{num(res.utterances) ?? '—'}</span><span>{t('rules.utterances')}</span></div>
            <div><span className="bt-n">{liveN ?? '—'}</span><span>{t('rules.live')}{res.live?.version ? ` v${res.live.version}` : ''}</span></div>
            <div><span className="bt-n">{candN ?? '—'}</span><span>{t('rules.candidate')}</span></div>
            <div className="plus"><span className="bt-n">+{num(res.added?.count) ?? listOf(res.added).length}</span><span>{t('rules.added')}</span></div>
            <div className="minus"><span className="bt-n">−{num(res.removed?.count) ?? listOf(res.removed).length}</span><span>{t('rules.removed')}</span></div>
            <div><span className="bt-n">{Math.round(num(res.ms, res.elapsedMs) ?? 0).toLocaleString()}</span><span>ms</span></div>
          </div>
          {cats.length > 0 ? (
            <table className="table table-compact">
              <thead><tr><th>{t('category')}</th><th>{t('rules.live')}</th><th>{t('rules.candidate')}</th></tr></thead>
              <tbody>{cats.map((c) => <tr key={c}><td>{cat(c)}</td><td>{res.live?.byCategory?.[c] ?? 0}</td><td>{res.candidate?.byCategory?.[c] ?? 0}</td></tr>)}</tbody>
            </table>
          ) : null}
          {(['added', 'removed'] as const).map((k) => listOf(res[k]).length > 0 ? (
            <div key={k} className={`bt-samples ${k}`}>
              <div className="context-title">{t(`rules.${k}`)}</div>
              <ul className="mini-list">{listOf(res[k]).slice(0, 10).map((s: any, i: number) => <li key={i}><CategoryTag category={s.category} /> <span className="match-text">“{s.match}”</span> <span className="ellipsis small muted">{s.text}</span></li>)}</ul>
            </div>
          ) : null)}
        </div>
      ) : !err && !busy ? <Empty title={t('rules.backtest')} hint={`${t('rules.from')} ~ ${t('rules.to')}`} icon="⟲" /> : null}
    </Card>
  );
}
