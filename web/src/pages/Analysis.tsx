import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError, download, fileBase64, get, qs } from '../api';
import { can, useMe } from '../App';
import { Chart } from '../Chart';
import { fmtDateTime, kstDate } from '../format';
import { useT } from '../i18n';
import { Card, Empty, ErrorBox, Loading, Modal, Spinner, errorText, toast } from '../ui';
import './analysis.css';

// 통합 분석: consultation, sales, marketing and platform datasets joined with
// complaints. A datasets panel with an import wizard (upload → column mapping
// with suggestions → validation with row errors → import with progress), then
// one tab per analysis, each showing every rate with its numerator and
// denominator. All figures come from /api/analysis (docs/analysis.md).

type Lang = 'ko' | 'en';
type KindId = 'consultations' | 'sales' | 'marketing' | 'platform';
interface Term { id: string; ko: string; en: string }
interface FieldDef { field: string; type: string; required?: boolean; ko: string; en: string; column?: string }
interface KindDef { kind: KindId; ko: string; en: string; about: { ko: string; en: string }; fields: FieldDef[] }
interface Kinds { items: KindDef[]; today: string; taxonomy: { product: Term[]; channel: Term[]; type: Term[] } }
interface Dataset { id: string; kind: KindId; name: string; rows: number; quantity: number; firstDay: string | null; lastDay: string | null; lastImportAt: string | null; lastImportBy: string | null; lastImportFile: string | null }
interface RowError { row: number; field: string; code: string; message: string }
interface ImportView {
  id: string; status: string; filename: string; datasetName: string; totalRows: number; inserted: number; updated: number; unchanged: number; errorCount: number;
  firstDay: string | null; lastDay: string | null; message: string | null; createdBy: string; createdAt: string; kind: KindId;
  progress: { phase: string; processed: number; total: number };
}
interface Preview { headers: string[]; totalRows: number; suggestion: Record<string, string | null>; problems: { field: string; code: string; message: string }[]; sample: { row: number; values: Record<string, string> }[] }
interface RateItem { group: string; ko: string; en: string; complaints: number; denominator: number; rate: number | null }
interface RateResult { per: number; items: RateItem[]; total: { complaints: number; denominator: number; rate: number | null } }
interface Test { difference: number; low: number; high: number; z: number | null; pValue: number | null; ratio: number | null }
interface Campaign {
  campaignId: string; campaignName: string | null; firstContact: string; lastContact: string; windowDays: number; contacted: number; responded: number;
  contactedComplained: number; notContacted: number; notContactedComplained: number; contactedRatePct: number | null; notContactedRatePct: number | null; test: Test | null; significant: boolean;
}
interface PlatformEvent { occurredAt: string; day: string; platform: string | null; eventKind: string | null; version: string | null; count: number; description: string | null; before: number; after: number; afterDays: number; beforePerDay: number | null; afterPerDay: number | null; changePct: number | null }
interface PlatformResult { days: { day: string; complaints: number }[]; total: number; events: PlatformEvent[]; windowDays: number }
interface Overlap { items: { customerId: string; consultations: number; complaints: number; refs: string[]; lastConsultation: string }[]; summary: { withConsultations: number; withComplaints: number; withBoth: number; matching: number } }
interface Filters { from: string; to: string; product: string; channel: string }

const KIND_IDS: KindId[] = ['consultations', 'sales', 'marketing', 'platform'];
const KIND_ICON: Record<KindId, string> = { consultations: '☎', sales: '▣', marketing: '✦', platform: '⌘' };
const TABS = ['consultations', 'sales', 'marketing', 'platform', 'customers'] as const;
type Tab = (typeof TABS)[number];
const n = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toLocaleString());
const two = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
const pp = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(1)}%p`;
const addDays = (day: string, k: number) => new Date(Date.parse(`${day}T00:00:00Z`) + k * 86_400_000).toISOString().slice(0, 10);

/** Presets of [from, to): this quarter so far, last quarter, this year so far, the last 90 days. */
function preset(p: 'quarter' | 'lastQuarter' | 'year' | 'days90', today: string): { from: string; to: string } {
  const y = +today.slice(0, 4);
  const q = Math.floor((+today.slice(5, 7) - 1) / 3);
  const qStart = (yy: number, qq: number) => `${yy}-${String(qq * 3 + 1).padStart(2, '0')}-01`;
  const tomorrow = addDays(today, 1);
  if (p === 'quarter') return { from: qStart(y, q), to: tomorrow };
  if (p === 'lastQuarter') return q === 0 ? { from: qStart(y - 1, 3), to: `${y}-01-01` } : { from: qStart(y, q - 1), to: qStart(y, q) };
  if (p === 'year') return { from: `${y}-01-01`, to: tomorrow };
  return { from: addDays(tomorrow, -90), to: tomorrow };
}

export function AnalysisPage(_props: { focusId?: string }) {
  const { t } = useT();
  const me = useMe();
  const writer = can(me, 'datasets:write');
  const today = useMemo(() => kstDate(), []);
  const [filters, setFilters] = useState<Filters>({ ...preset('lastQuarter', today), product: '', channel: '' });
  const [tab, setTab] = useState<Tab>('consultations');
  const [wizard, setWizard] = useState<KindId | null>(null);
  const [exporting, setExporting] = useState(false);
  const kinds = useQuery<Kinds>({ queryKey: ['an-kinds'], queryFn: () => get('/api/analysis/kinds'), staleTime: 300_000 });
  const set = (p: Partial<Filters>) => setFilters((f) => ({ ...f, ...p }));

  const exportXlsx = async () => {
    setExporting(true);
    try { await download(`/api/analysis/export.xlsx${qs({ from: filters.from, to: filters.to, product: filters.product || undefined, channel: filters.channel || undefined })}`); }
    catch (e) { toast(errorText(e), 'err'); } finally { setExporting(false); }
  };

  return (
    <div className="page analysis-page" data-testid="analysis-page">
      <header className="page-head">
        <div>
          <h1>{t('an.title')}</h1>
          <div className="sub">{t('an.sub')}</div>
        </div>
        <div className="head-actions">
          {writer ? <button className="btn" onClick={() => setWizard('consultations')} data-testid="an-import">⤒ {t('an.import')}</button> : null}
          <button className="btn" onClick={exportXlsx} disabled={exporting} data-testid="an-export">{exporting ? <Spinner /> : '⤓'} {t('an.export')}</button>
        </div>
      </header>

      {kinds.isLoading ? <Loading /> : kinds.error ? <ErrorBox error={kinds.error} onRetry={() => kinds.refetch()} /> : (
        <>
          <DatasetsPanel kinds={kinds.data!} writer={writer} onImport={setWizard} />
          <div className="an-controls" role="group" aria-label={t('an.filters')} data-testid="an-filters">
            <div className="tabs an-presets">
              {(['quarter', 'lastQuarter', 'year', 'days90'] as const).map((p) => {
                const r = preset(p, today);
                const active = r.from === filters.from && r.to === filters.to;
                return <button key={p} className={active ? 'active' : ''} onClick={() => set(r)} data-testid={`an-preset-${p}`}>{t(`an.preset.${p}`)}</button>;
              })}
            </div>
            <label className="inline-label">{t('an.from')}<input type="date" value={filters.from} onChange={(e) => e.target.value && set({ from: e.target.value })} data-testid="an-from" /></label>
            <label className="inline-label">{t('an.to')}<input type="date" value={addDays(filters.to, -1)} onChange={(e) => e.target.value && set({ to: addDays(e.target.value, 1) })} data-testid="an-to" /></label>
            <label className="inline-label">{t('an.product')}
              <select value={filters.product} onChange={(e) => set({ product: e.target.value })} data-testid="an-product">
                <option value="">{t('an.all')}</option>
                {kinds.data!.taxonomy.product.map((p) => <option key={p.id} value={p.id}>{p.ko}</option>)}
              </select>
            </label>
            <label className="inline-label">{t('an.channel')}
              <select value={filters.channel} onChange={(e) => set({ channel: e.target.value })} data-testid="an-channel">
                <option value="">{t('an.all')}</option>
                {kinds.data!.taxonomy.channel.map((p) => <option key={p.id} value={p.id}>{p.ko}</option>)}
              </select>
            </label>
          </div>
          <div className="tabs an-tabs" role="tablist">
            {TABS.map((k) => <button key={k} role="tab" aria-selected={tab === k} className={tab === k ? 'active' : ''} onClick={() => setTab(k)} data-testid={`an-tab-${k}`}>{t(`an.tab.${k}`)}</button>)}
          </div>
          {tab === 'consultations' ? <RateTab kind="consultations" filters={filters} /> : null}
          {tab === 'sales' ? <RateTab kind="sales" filters={filters} /> : null}
          {tab === 'marketing' ? <MarketingTab filters={filters} kinds={kinds.data!} /> : null}
          {tab === 'platform' ? <PlatformTab filters={filters} kinds={kinds.data!} /> : null}
          {tab === 'customers' ? <CustomersTab filters={filters} /> : null}
        </>
      )}
      {wizard && kinds.data ? <ImportWizard kinds={kinds.data} initialKind={wizard} onClose={() => setWizard(null)} /> : null}
    </div>
  );
}

function DatasetsPanel({ kinds, writer, onImport }: { kinds: Kinds; writer: boolean; onImport(k: KindId): void }) {
  const { t, lang } = useT();
  const qc = useQueryClient();
  const list = useQuery<{ items: Dataset[] }>({ queryKey: ['an-datasets'], queryFn: () => get('/api/analysis/datasets') });
  const [confirm, setConfirm] = useState<Dataset | null>(null);
  const [busy, setBusy] = useState(false);
  const remove = async () => {
    if (!confirm) return;
    setBusy(true);
    try {
      await api('DELETE', `/api/analysis/datasets/${confirm.id}`);
      toast(`${t('an.ds.deleted')}: ${confirm.name}`);
      setConfirm(null);
      qc.invalidateQueries({ queryKey: ['an-datasets'] });
      qc.invalidateQueries({ queryKey: ['an'] });
    } catch (e) { toast(errorText(e), 'err'); } finally { setBusy(false); }
  };
  return (
    <div className="an-kinds" data-testid="an-datasets">
      {KIND_IDS.map((k) => {
        const def = kinds.items.find((x) => x.kind === k)!;
        const sets = list.data?.items.filter((d) => d.kind === k) ?? [];
        const rows = sets.reduce((s, d) => s + d.rows, 0);
        const first = sets.map((d) => d.firstDay).filter(Boolean).sort()[0];
        const last = sets.map((d) => d.lastDay).filter(Boolean).sort().at(-1);
        const lastImport = sets.map((d) => d.lastImportAt).filter(Boolean).sort().at(-1);
        return (
          <section key={k} className={`card an-kind an-kind-${k}`} data-testid={`an-kind-${k}`}>
            <div className="an-kind-head">
              <span className="an-kind-icon" aria-hidden>{KIND_ICON[k]}</span>
              <div className="an-kind-title"><b>{def[lang]}</b><div className="small muted">{def.about[lang]}</div></div>
              {writer ? <button className="btn btn-sm" onClick={() => onImport(k)} data-testid={`an-import-${k}`}>⤒</button> : null}
            </div>
            {list.isLoading ? <div className="an-kind-body"><Spinner /></div> : sets.length === 0 ? (
              <div className="an-kind-body an-kind-empty small muted">{t('an.ds.none')}</div>
            ) : (
              <div className="an-kind-body">
                <div className="an-kind-rows" data-testid={`an-kind-${k}-rows`}>{n(rows)} <span className="small muted">{t('an.ds.rows')}</span></div>
                <div className="small muted">{first} ~ {last}</div>
                <div className="small muted">{t('an.ds.lastImport')} {fmtDateTime(lastImport ?? null)}</div>
                <ul className="an-ds-list">
                  {sets.map((d) => (
                    <li key={d.id} className="small" data-testid="an-dataset">
                      <span className="an-ds-name" title={d.lastImportFile ?? ''}>{d.name}</span>
                      <span className="muted">{n(d.rows)}{k === 'sales' || k === 'platform' ? ` · Σ ${n(d.quantity)}` : ''}</span>
                      {writer ? <button className="link-btn an-ds-del" onClick={() => setConfirm(d)} title={t('an.ds.delete')} aria-label={`${t('an.ds.delete')} ${d.name}`}>✕</button> : null}
                    </li>
                  ))}
                </ul>
              </div>
            )}
          </section>
        );
      })}
      {confirm ? (
        <Modal title={t('an.ds.deleteTitle')} onClose={() => setConfirm(null)} footer={<>
          <button className="btn" onClick={() => setConfirm(null)}>{t('an.cancel')}</button>
          <button className="btn btn-danger" onClick={remove} disabled={busy} data-testid="an-ds-delete-confirm">{busy ? <Spinner /> : null} {t('an.ds.delete')}</button>
        </>}>
          <p>{t('an.ds.deleteBody').replace('{name}', confirm.name).replace('{n}', n(confirm.rows))}</p>
        </Modal>
      ) : null}
    </div>
  );
}

type WizardStep = 'upload' | 'mapping' | 'result';

function ImportWizard({ kinds, initialKind, onClose }: { kinds: Kinds; initialKind: KindId; onClose(): void }) {
  const { t, lang } = useT();
  const qc = useQueryClient();
  const [kind, setKind] = useState<KindId>(initialKind);
  const [dataset, setDataset] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [step, setStep] = useState<WizardStep>('upload');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [mapping, setMapping] = useState<Record<string, string | null>>({});
  const [busy, setBusy] = useState<'' | 'preview' | 'validate' | 'import'>('');
  const [validated, setValidated] = useState<ImportView | null>(null);
  const [result, setResult] = useState<ImportView | null>(null);
  const [rowErrors, setRowErrors] = useState<{ errors: RowError[]; errorCount: number; totalRows: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const alive = useRef(true);
  useEffect(() => () => { alive.current = false; }, []);
  const def = kinds.items.find((k) => k.kind === kind)!;
  const fieldLabel = (f: string) => { const d = def.fields.find((x) => x.field === f); return d ? d[lang] : f; };
  const errLabel = (c: string) => { const k = `an.err.${c}`; const v = t(k); return v === k ? '' : v; };
  const payload = async () => ({ kind, dataset: dataset.trim() || defaultName(kind, file, t), filename: file!.name, dataBase64: await fileBase64(file!), mapping });

  const reset = () => { setPreview(null); setValidated(null); setResult(null); setRowErrors(null); setError(null); };
  const fail = (e: unknown) => {
    if (e instanceof ApiError && (e.code === 'import_invalid' || e.code === 'invalid_mapping') && e.details) setRowErrors({ errors: e.details.errors, errorCount: e.details.errorCount, totalRows: e.details.totalRows });
    else setError(errorText(e));
  };
  const readFile = async () => {
    if (!file) return;
    reset();
    setBusy('preview');
    try {
      const p = await api<Preview>('POST', '/api/analysis/imports/preview', { kind, filename: file.name, dataBase64: await fileBase64(file) });
      setPreview(p);
      setMapping(p.suggestion);
      setStep('mapping');
    } catch (e) { setError(errorText(e)); } finally { setBusy(''); }
  };
  const validate = async () => {
    setBusy('validate');
    setRowErrors(null);
    setError(null);
    try {
      const v = await api<ImportView>('POST', '/api/analysis/imports', { ...(await payload()), dryRun: true });
      setValidated(v);
    } catch (e) { fail(e); } finally { setBusy(''); setStep('result'); qc.invalidateQueries({ queryKey: ['an-imports'] }); }
  };
  const runImport = async () => {
    setBusy('import');
    setError(null);
    try {
      let v = await api<ImportView>('POST', '/api/analysis/imports', await payload());
      setResult(v);
      while (v.status === 'running' && alive.current) {
        await new Promise((r) => setTimeout(r, 400));
        v = await api<ImportView>('GET', `/api/analysis/imports/${v.id}`);
        setResult(v);
      }
      if (v.status === 'completed') {
        toast(`${t('an.imp.done')}: ${v.inserted} ${t('an.imp.inserted')}, ${v.updated} ${t('an.imp.updated')}`);
        qc.invalidateQueries({ queryKey: ['an-datasets'] });
        qc.invalidateQueries({ queryKey: ['an'] });
      }
    } catch (e) { fail(e); } finally { if (alive.current) setBusy(''); qc.invalidateQueries({ queryKey: ['an-imports'] }); }
  };
  const unmappedRequired = def.fields.filter((f) => f.required && !Object.values(mapping).includes(f.field));
  const pct = result && result.progress.total > 0 ? Math.round((result.progress.processed / result.progress.total) * 100) : 0;
  const steps: WizardStep[] = ['upload', 'mapping', 'result'];

  return (
    <Modal title={t('an.imp.title')} onClose={onClose} footer={<>
      {step !== 'upload' && busy === '' && !(result && result.status === 'completed') ? <button className="btn" onClick={() => { setStep(step === 'result' ? 'mapping' : 'upload'); setRowErrors(null); setValidated(null); setResult(null); }} data-testid="an-wiz-back">← {t('an.imp.back')}</button> : null}
      <span className="grow" />
      <button className="btn" onClick={onClose}>{t('an.imp.close')}</button>
      {step === 'upload' ? <button className="btn btn-primary" onClick={readFile} disabled={!file || busy !== ''} data-testid="an-wiz-next">{busy ? <Spinner /> : null} {t('an.imp.next')} →</button> : null}
      {step === 'mapping' ? <button className="btn btn-primary" onClick={validate} disabled={busy !== '' || unmappedRequired.length > 0} data-testid="an-wiz-validate">{busy ? <Spinner /> : null} {t('an.imp.validate')}</button> : null}
      {step === 'result' && validated && !result ? <button className="btn btn-primary" onClick={runImport} disabled={busy !== ''} data-testid="an-wiz-import">{busy ? <Spinner /> : null} {t('an.imp.run')}</button> : null}
    </>}>
      <ol className="an-steps" aria-label={t('an.imp.title')}>
        {steps.map((s, i) => <li key={s} className={s === step ? 'active' : steps.indexOf(step) > i ? 'done' : ''}><span>{i + 1}</span>{t(`an.imp.step.${s}`)}</li>)}
      </ol>

      {step === 'upload' ? (
        <div data-testid="an-wiz-upload">
          <div className="form-grid">
            <label className="field">{t('an.imp.kind')}
              <select value={kind} onChange={(e) => { setKind(e.target.value as KindId); reset(); }} data-testid="an-wiz-kind">
                {kinds.items.map((k) => <option key={k.kind} value={k.kind}>{k[lang]}</option>)}
              </select>
            </label>
            <label className="field">{t('an.imp.dataset')}
              <input value={dataset} placeholder={defaultName(kind, file, t)} onChange={(e) => setDataset(e.target.value)} data-testid="an-wiz-dataset" />
            </label>
            <label className="field span2">{t('an.imp.file')}
              <input type="file" accept=".csv,.xlsx,.json" onChange={(e) => { setFile(e.target.files?.[0] ?? null); reset(); }} data-testid="an-wiz-file" />
            </label>
          </div>
          <p className="hint">{def.about[lang]}</p>
          <div className="an-schema small">
            <b>{t('an.imp.schema')}</b>
            <ul>{def.fields.map((f) => <li key={f.field}><span className="mono">{f.field}</span> {f[lang]}{f.required ? <span className="an-req"> *</span> : null} <span className="muted">({t(`an.type.${f.type}`)})</span></li>)}</ul>
          </div>
        </div>
      ) : null}

      {step === 'mapping' && preview ? (
        <div data-testid="an-wiz-mapping">
          <p className="hint">{t('an.imp.mappingHint').replace('{n}', n(preview.totalRows))}</p>
          <table className="table table-compact an-map">
            <thead><tr><th>{t('an.imp.col.header')}</th><th>{t('an.imp.col.sample')}</th><th>{t('an.imp.col.field')}</th></tr></thead>
            <tbody>{preview.headers.map((h) => (
              <tr key={h}>
                <td><b>{h}</b></td>
                <td className="small muted an-sample">{preview.sample.slice(0, 2).map((s) => s.values[h]).filter(Boolean).join(' · ')}</td>
                <td>
                  <select value={mapping[h] ?? ''} onChange={(e) => setMapping((m) => ({ ...m, [h]: e.target.value || null }))} data-testid={`an-map-${h}`} className={mapping[h] ? 'an-mapped' : ''}>
                    <option value="">{t('an.imp.skip')}</option>
                    {def.fields.map((f) => <option key={f.field} value={f.field}>{f[lang]} ({f.field}){f.required ? ' *' : ''}</option>)}
                  </select>
                  {preview.suggestion[h] && preview.suggestion[h] === mapping[h] ? <span className="an-suggested" title={t('an.imp.suggested')}>✓ {t('an.imp.suggested')}</span> : null}
                </td>
              </tr>
            ))}</tbody>
          </table>
          {unmappedRequired.length ? <div className="form-error" data-testid="an-wiz-missing">{t('an.imp.missing')}: {unmappedRequired.map((f) => f[lang]).join(', ')}</div> : null}
        </div>
      ) : null}

      {step === 'result' ? (
        <div data-testid="an-wiz-result">
          {busy === 'validate' ? <div className="an-progress"><div className="small">{t('an.imp.validating')}</div><div className="progress"><span /></div></div> : null}
          {validated && !result ? (
            <div className="an-result" data-testid="an-wiz-valid">
              <b>✓ {t('an.imp.valid')}</b>
              <div className="small">{validated.filename} · {n(validated.totalRows)} {t('an.imp.rows')} · {validated.firstDay} ~ {validated.lastDay} → <b>{validated.datasetName}</b></div>
            </div>
          ) : null}
          {result && (result.status === 'running' || busy === 'import') ? (
            <div className="an-progress" data-testid="an-wiz-progress">
              <div className="small">{t('an.imp.running')} {n(result.progress.processed)} / {n(result.progress.total)} {t('an.imp.rows')} ({pct}%)</div>
              <div className="an-bar"><span style={{ width: `${pct}%` }} /></div>
            </div>
          ) : null}
          {result && result.status !== 'running' ? (
            <div className={`an-result ${result.status === 'completed' ? '' : 'an-result-bad'}`} data-testid="an-wiz-done">
              <b>{result.status === 'completed' ? `✓ ${t('an.imp.done')}` : t('an.imp.failed')}</b>
              <div className="small">{result.filename} · {n(result.totalRows)} {t('an.imp.rows')} · {result.inserted} {t('an.imp.inserted')} · {result.updated} {t('an.imp.updated')} · {result.unchanged} {t('an.imp.unchanged')}</div>
              {result.message && result.status === 'failed' ? <div className="small">{result.message}</div> : null}
            </div>
          ) : null}
          {rowErrors ? (
            <div className="an-row-errors" data-testid="an-wiz-errors">
              <div className="form-error"><b>{t('an.imp.errors')}</b> · {t('an.imp.errorCount').replace('{n}', String(rowErrors.errorCount))} / {n(rowErrors.totalRows)} {t('an.imp.rows')} — {t('an.imp.nothingStored')}</div>
              <div className="an-errors-scroll">
                <table className="table table-compact">
                  <thead><tr><th>{t('an.imp.col.row')}</th><th>{t('an.imp.col.field')}</th><th>{t('an.imp.col.code')}</th><th>{t('an.imp.col.message')}</th></tr></thead>
                  <tbody>{rowErrors.errors.map((e, i) => (
                    <tr key={i}>
                      <td className="num">{e.row}</td>
                      <td>{fieldLabel(e.field)} <span className="mono small muted">{e.field}</span></td>
                      <td>{errLabel(e.code)} <div className="mono small muted">{e.code}</div></td>
                      <td className="small">{e.message}</td>
                    </tr>
                  ))}</tbody>
                </table>
              </div>
            </div>
          ) : null}
        </div>
      ) : null}
      {error ? <div className="form-error">{error}</div> : null}
      {step === 'upload' ? <RecentImports /> : null}
    </Modal>
  );
}

function defaultName(kind: KindId, file: File | null, t: (k: string) => string): string {
  return file ? file.name.replace(/\.(csv|xlsx|json)$/i, '') : t(`an.imp.defaultName.${kind}`);
}

function RecentImports() {
  const { t } = useT();
  const recent = useQuery<{ items: ImportView[] }>({ queryKey: ['an-imports'], queryFn: () => get('/api/analysis/imports?limit=4') });
  if (!recent.data?.items.length) return null;
  return (
    <div className="an-recent">
      <div className="small muted">{t('an.imp.recent')}</div>
      <ul>{recent.data.items.map((r) => <li key={r.id} className="small"><span className={`pill an-imp-${r.status}`}>{t(`an.imp.status.${r.status}`)}</span> {r.datasetName} · {r.filename} · {n(r.totalRows)} {t('an.imp.rows')} · {r.createdBy} · {fmtDateTime(r.createdAt)}</li>)}</ul>
    </div>
  );
}

function filterQs(f: Filters, extra: Record<string, unknown> = {}) {
  return qs({ from: f.from, to: f.to, product: f.product || undefined, channel: f.channel || undefined, ...extra });
}

function RateTab({ kind, filters }: { kind: 'consultations' | 'sales'; filters: Filters }) {
  const { t, lang } = useT();
  const [groupBy, setGroupBy] = useState<'product' | 'channel' | 'month'>('product');
  const g = kind === 'sales' && groupBy === 'channel' ? 'product' : groupBy;
  const path = kind === 'consultations' ? '/api/analysis/consultation-rate' : '/api/analysis/sales-rate';
  const q = useQuery<RateResult>({ queryKey: ['an', kind, filters, g], queryFn: () => get(`${path}${filterQs(kind === 'sales' ? { ...filters, channel: '' } : filters, { groupBy: g })}`) });
  const den = t(`an.den.${kind}`);
  const perLabel = kind === 'consultations' ? t('an.per1000') : t('an.per10000');
  const items = q.data?.items ?? [];
  const option = useMemo(() => ({
    grid: { left: 48, right: 16, top: 24, bottom: 48 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: items.map((i) => i[lang]), axisLabel: { interval: 0, rotate: items.length > 6 ? 30 : 0 } },
    yAxis: { type: 'value', name: perLabel, nameTextStyle: { align: 'left' } },
    series: [{ type: 'bar', name: perLabel, barMaxWidth: 56, data: items.map((i) => i.rate), itemStyle: { color: kind === 'consultations' ? '#3b5bdb' : '#0c8599', borderRadius: [4, 4, 0, 0] }, label: { show: true, position: 'top', formatter: (p: { value: number | null }) => (p.value === null ? '' : two(p.value)) } }],
  }), [items, lang, kind, perLabel]);
  return (
    <Card title={<>{t(`an.tab.${kind}`)} <span className="muted small">{perLabel}</span></>} actions={
      <div className="tabs an-sub-tabs">
        {(kind === 'sales' ? ['product', 'month'] as const : ['product', 'channel', 'month'] as const).map((x) => <button key={x} className={g === x ? 'active' : ''} onClick={() => setGroupBy(x)} data-testid={`an-${kind}-by-${x}`}>{t(`an.by.${x}`)}</button>)}
      </div>
    }>
      {q.isLoading ? <Loading /> : q.error ? <ErrorBox error={q.error} onRetry={() => q.refetch()} /> : items.length === 0 ? (
        <Empty title={t('an.empty')} hint={t(`an.emptyHint.${kind}`)} icon={KIND_ICON[kind]} />
      ) : (
        <div className="an-split">
          <div className="an-total" data-testid={`an-${kind}-total`}>
            <div className="kpi-label">{t('an.total')} {perLabel}</div>
            <div className="an-big" data-testid={`an-${kind}-total-rate`}>{two(q.data!.total.rate)}</div>
            <div className="small muted an-fraction">{t('an.complaints')} <b>{n(q.data!.total.complaints)}</b> × {n(q.data!.per)} ÷ {den} <b>{n(q.data!.total.denominator)}</b></div>
            <Chart option={option} height={240} testId={`an-${kind}-chart`} />
          </div>
          <table className="table table-compact an-table" data-testid={`an-${kind}-table`}>
            <thead><tr><th>{t(`an.col.${g}`)}</th><th className="num">{t('an.complaints')} <span className="muted">({t('an.numerator')})</span></th><th className="num">{den} <span className="muted">({t('an.denominator')})</span></th><th className="num">{perLabel}</th></tr></thead>
            <tbody>
              {items.map((i) => (
                <tr key={i.group} data-testid={`an-${kind}-row-${i.group}`}>
                  <td>{i[lang]}</td><td className="num">{n(i.complaints)}</td><td className="num">{n(i.denominator)}</td>
                  <td className="num"><b>{two(i.rate)}</b></td>
                </tr>
              ))}
            </tbody>
            <tfoot><tr><td>{t('an.total')}</td><td className="num">{n(q.data!.total.complaints)}</td><td className="num">{n(q.data!.total.denominator)}</td><td className="num"><b>{two(q.data!.total.rate)}</b></td></tr></tfoot>
          </table>
        </div>
      )}
      <div className="small muted an-formula">{t(`an.formula.${kind}`)}</div>
    </Card>
  );
}

function MarketingTab({ filters, kinds }: { filters: Filters; kinds: Kinds }) {
  const { t } = useT();
  const [windowDays, setWindowDays] = useState(30);
  const [type, setType] = useState('');
  const q = useQuery<{ items: Campaign[] }>({ queryKey: ['an', 'marketing', windowDays, type, filters.product], queryFn: () => get(`/api/analysis/marketing${qs({ windowDays, type: type || undefined, product: filters.product || undefined })}`) });
  const items = q.data?.items ?? [];
  const option = useMemo(() => ({
    grid: { left: 48, right: 16, top: 28, bottom: 40 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: items.map((c) => c.campaignName ?? c.campaignId) },
    yAxis: { type: 'value', name: '%' },
    series: [
      { type: 'bar', name: t('an.mk.contacted'), barMaxWidth: 56, data: items.map((c) => c.contactedRatePct), itemStyle: { color: '#e8590c', borderRadius: [4, 4, 0, 0] } },
      { type: 'bar', name: t('an.mk.notContacted'), barMaxWidth: 56, data: items.map((c) => c.notContactedRatePct), itemStyle: { color: '#adb5bd', borderRadius: [4, 4, 0, 0] } },
    ],
  }), [items, t]);
  return (
    <Card title={t('an.tab.marketing')} actions={<>
      <label className="inline-label">{t('an.mk.window')}<select value={windowDays} onChange={(e) => setWindowDays(+e.target.value)} data-testid="an-mk-window">{[7, 14, 30, 60, 90].map((d) => <option key={d} value={d}>{d}{t('an.days')}</option>)}</select></label>
      <label className="inline-label">{t('an.type')}<select value={type} onChange={(e) => setType(e.target.value)}><option value="">{t('an.all')}</option>{kinds.taxonomy.type.map((x) => <option key={x.id} value={x.id}>{x.ko}</option>)}</select></label>
    </>}>
      {q.isLoading ? <Loading /> : q.error ? <ErrorBox error={q.error} onRetry={() => q.refetch()} /> : items.length === 0 ? (
        <Empty title={t('an.empty')} hint={t('an.emptyHint.marketing')} icon={KIND_ICON.marketing} />
      ) : (
        <>
          <div className="an-legend small"><i style={{ background: '#e8590c' }} />{t('an.mk.contacted')} <i style={{ background: '#adb5bd' }} />{t('an.mk.notContacted')}</div>
          <Chart option={option} height={220} testId="an-marketing-chart" />
          <table className="table table-compact an-table" data-testid="an-marketing-table">
            <thead><tr>
              <th>{t('an.mk.campaign')}</th><th>{t('an.mk.first')}</th><th className="num">{t('an.mk.contacted')}</th><th className="num">{t('an.mk.rate')}</th>
              <th className="num">{t('an.mk.notContacted')}</th><th className="num">{t('an.mk.rate')}</th><th className="num">{t('an.mk.diff')}</th><th className="num">p</th><th />
            </tr></thead>
            <tbody>{items.map((c) => (
              <tr key={c.campaignId}>
                <td><b>{c.campaignName ?? c.campaignId}</b><div className="mono small muted">{c.campaignId} · {t('an.mk.responded')} {n(c.responded)}</div></td>
                <td className="nowrap">{c.firstContact}</td>
                <td className="num">{n(c.contactedComplained)} / {n(c.contacted)}</td>
                <td className="num"><b>{two(c.contactedRatePct)}%</b></td>
                <td className="num">{n(c.notContactedComplained)} / {n(c.notContacted)}</td>
                <td className="num">{two(c.notContactedRatePct)}%</td>
                <td className="num nowrap">{c.test ? <>{pp(c.test.difference)}<div className="small muted">[{pp(c.test.low)}, {pp(c.test.high)}]</div></> : '—'}</td>
                <td className="num">{c.test?.pValue === null || !c.test ? '—' : c.test.pValue < 0.001 ? '<0.001' : c.test.pValue.toFixed(3)}</td>
                <td>{c.significant ? <span className={`pill ${c.test!.difference > 0 ? 'an-pill-up' : 'an-pill-down'}`}>{c.test!.difference > 0 ? t('an.mk.more') : t('an.mk.less')}</span> : <span className="pill pill-muted">{t('an.mk.nodiff')}</span>}</td>
              </tr>
            ))}</tbody>
          </table>
        </>
      )}
      <div className="small muted an-formula">{t('an.formula.marketing').replace(/\{w\}/g, String(windowDays))}</div>
    </Card>
  );
}

function PlatformTab({ filters, kinds }: { filters: Filters; kinds: Kinds }) {
  const { t } = useT();
  const [type, setType] = useState('system');
  const [windowDays, setWindowDays] = useState(7);
  const q = useQuery<PlatformResult>({ queryKey: ['an', 'platform', filters, type, windowDays], queryFn: () => get(`/api/analysis/platform${filterQs(filters, { type: type || undefined, windowDays })}`) });
  const d = q.data;
  const option = useMemo(() => d ? ({
    grid: { left: 40, right: 16, top: 42, bottom: 30 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: d.days.map((x) => x.day.slice(5)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{
      type: 'bar', name: t('an.complaints'), data: d.days.map((x) => x.complaints), itemStyle: { color: '#5c7cfa' },
      markLine: {
        symbol: 'none', lineStyle: { color: '#e03131', type: 'dashed' },
        label: { formatter: (p: { name: string }) => p.name, color: '#c92a2a', fontSize: 11 },
        // Alternate label heights so events a day or two apart stay readable.
        data: d.events.map((e, i) => ({ xAxis: e.day.slice(5), name: `${e.eventKind ?? ''} ${e.version ?? ''}`.trim(), label: { distance: i % 2 ? 16 : 3 } })),
      },
    }],
  }) : {}, [d, t]);
  return (
    <Card title={t('an.tab.platform')} actions={<>
      <label className="inline-label">{t('an.type')}<select value={type} onChange={(e) => setType(e.target.value)} data-testid="an-pf-type"><option value="">{t('an.all')}</option>{kinds.taxonomy.type.map((x) => <option key={x.id} value={x.id}>{x.ko}</option>)}</select></label>
      <label className="inline-label">{t('an.pf.window')}<select value={windowDays} onChange={(e) => setWindowDays(+e.target.value)}>{[3, 7, 14, 28].map((x) => <option key={x} value={x}>{x}{t('an.days')}</option>)}</select></label>
    </>}>
      {q.isLoading ? <Loading /> : q.error ? <ErrorBox error={q.error} onRetry={() => q.refetch()} /> : (
        <>
          <div className="small muted">{t('an.pf.total')} <b>{n(d!.total)}</b> · {t('an.pf.events')} <b>{n(d!.events.length)}</b></div>
          <Chart option={option} height={240} testId="an-platform-chart" />
          {d!.events.length === 0 ? <Empty title={t('an.pf.noEvents')} hint={t('an.emptyHint.platform')} icon={KIND_ICON.platform} /> : (
            <table className="table table-compact an-table" data-testid="an-platform-table">
              <thead><tr><th>{t('an.pf.when')}</th><th>{t('an.pf.platform')}</th><th>{t('an.pf.event')}</th><th className="num">{t('an.pf.before')}</th><th className="num">{t('an.pf.after')}</th><th className="num">{t('an.pf.perDay')}</th><th className="num">{t('an.pf.change')}</th></tr></thead>
              <tbody>{d!.events.map((e, i) => (
                <tr key={i}>
                  <td className="nowrap">{fmtDateTime(e.occurredAt)}</td>
                  <td>{e.platform}</td>
                  <td><b>{e.eventKind}</b> {e.version ? <span className="mono">{e.version}</span> : null}{e.description ? <div className="small muted">{e.description}</div> : null}</td>
                  <td className="num">{n(e.before)} / {windowDays}{t('an.days')}</td>
                  <td className="num">{n(e.after)} / {e.afterDays}{t('an.days')}</td>
                  <td className="num nowrap">{two(e.beforePerDay)} → <b>{two(e.afterPerDay)}</b></td>
                  <td className="num">{e.changePct === null ? '—' : <span className={e.changePct > 0 ? 'an-up' : e.changePct < 0 ? 'an-down' : ''}>{e.changePct > 0 ? '▲ +' : e.changePct < 0 ? '▼ ' : ''}{e.changePct}%</span>}</td>
                </tr>
              ))}</tbody>
            </table>
          )}
        </>
      )}
      <div className="small muted an-formula">{t('an.formula.platform')}</div>
    </Card>
  );
}

function CustomersTab({ filters }: { filters: Filters }) {
  const { t } = useT();
  const [min, setMin] = useState(2);
  const q = useQuery<Overlap>({ queryKey: ['an', 'customers', filters, min], queryFn: () => get(`/api/analysis/customers${filterQs(filters, { minConsultations: min, limit: 20 })}`) });
  const s = q.data?.summary;
  return (
    <Card title={t('an.tab.customers')} actions={<label className="inline-label">{t('an.cu.min')}<select value={min} onChange={(e) => setMin(+e.target.value)} data-testid="an-cu-min">{[1, 2, 3, 5, 10].map((x) => <option key={x} value={x}>{x}+</option>)}</select></label>}>
      {q.isLoading ? <Loading /> : q.error ? <ErrorBox error={q.error} onRetry={() => q.refetch()} /> : (
        <>
          <div className="kpis an-kpis">
            <div className="kpi"><div className="kpi-label">{t('an.cu.withConsultations')}</div><div className="kpi-value">{n(s!.withConsultations)}</div></div>
            <div className="kpi"><div className="kpi-label">{t('an.cu.withComplaints')}</div><div className="kpi-value">{n(s!.withComplaints)}</div></div>
            <div className="kpi"><div className="kpi-label">{t('an.cu.withBoth')}</div><div className="kpi-value">{n(s!.withBoth)}</div></div>
            <div className="kpi"><div className="kpi-label">{t('an.cu.matching').replace('{n}', String(min))}</div><div className="kpi-value">{n(s!.matching)}</div></div>
          </div>
          {q.data!.items.length === 0 ? <Empty title={t('an.empty')} hint={t('an.emptyHint.customers')} icon="◎" /> : (
            <table className="table table-compact an-table" data-testid="an-customers-table">
              <thead><tr><th>#</th><th>{t('an.cu.customer')}</th><th className="num">{t('an.cu.consultations')}</th><th className="num">{t('an.complaints')}</th><th>{t('an.cu.refs')}</th><th>{t('an.cu.last')}</th></tr></thead>
              <tbody>{q.data!.items.map((c, i) => (
                <tr key={c.customerId}>
                  <td className="num muted">{i + 1}</td><td className="mono">{c.customerId}</td><td className="num">{n(c.consultations)}</td><td className="num"><b>{n(c.complaints)}</b></td>
                  <td className="small">{c.refs.map((r) => <span key={r} className="an-ref mono">{r}</span>)}</td>
                  <td className="nowrap small">{fmtDateTime(c.lastConsultation)}</td>
                </tr>
              ))}</tbody>
            </table>
          )}
        </>
      )}
      <div className="small muted an-formula">{t('an.formula.customers')}</div>
    </Card>
  );
}
