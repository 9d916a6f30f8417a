import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { ApiError, api, get } from '../api';
import { can, useMe } from '../App';
import { fmtDateTime } from '../format';
import { useT } from '../i18n';
import { Card, Spinner, toast, useSubmit } from '../ui';

// How a complaint case counts in the industry statistics (민원 통계): its channel,
// product, type, cause and internal/external scope on the standard taxonomy.
// An unclassified case counts with defaults (docs/statistics.md); officers set it here.

interface Term { id: string; ko: string; en: string }
type Taxonomy = Record<'channel' | 'product' | 'type' | 'cause' | 'scope' | 'externalBody', Term[]>;
interface Classification { channel: string; product: string; type: string; cause: string; scope: 'internal' | 'external'; externalBody: string | null; updatedBy: string; updatedAt: string }

const FIELDS = ['channel', 'product', 'type', 'cause', 'scope'] as const;

export function CaseClassification({ caseId }: { caseId: string }) {
  const { t, lang } = useT();
  const me = useMe();
  const qc = useQueryClient();
  const writer = can(me, 'statistics:write');
  const taxonomy = useQuery<Taxonomy>({ queryKey: ['statistics-taxonomy'], queryFn: () => get('/api/statistics/taxonomy'), staleTime: Infinity });
  const current = useQuery<Classification | null>({
    queryKey: ['case-classification', caseId],
    queryFn: () => get<Classification>(`/api/statistics/cases/${caseId}/classification`).catch((e) => {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }),
  });
  const [editing, setEditing] = useState<Classification | null>(null);
  const { busy, error, run } = useSubmit();
  if (!taxonomy.data || current.isLoading) return null;
  const label = (dim: keyof Taxonomy, id: string | null) => (id ? taxonomy.data[dim].find((x) => x.id === id)?.[lang] ?? id : '—');
  const c = current.data ?? null;
  const start = () => setEditing(c ?? { channel: 'phone', product: taxonomy.data.product[0].id, type: taxonomy.data.type[0].id, cause: 'unspecified', scope: 'internal', externalBody: null, updatedBy: '', updatedAt: '' });
  const save = () => run(async () => {
    const v = editing!;
    await api('PUT', `/api/statistics/cases/${caseId}/classification`, {
      channel: v.channel, product: v.product, type: v.type, cause: v.cause, scope: v.scope, externalBody: v.scope === 'external' ? v.externalBody : null,
    });
    toast(t('caseClass.saved'));
    setEditing(null);
    qc.invalidateQueries({ queryKey: ['case-classification', caseId] });
  });
  return (
    <Card title={t('caseClass.title')} actions={writer && !editing ? <button className="btn btn-sm btn-ghost" onClick={start} data-testid="classify-case">{t(c ? 'caseClass.edit' : 'caseClass.classify')}</button> : null}>
      {editing ? (
        <div className="form-grid" data-testid="classification-form">
          {FIELDS.map((f) => (
            <label key={f} className="field">{t(`caseClass.${f}`)}
              <select value={editing[f] ?? ''} onChange={(e) => setEditing({ ...editing, [f]: e.target.value })} data-testid={`class-${f}`}>
                {taxonomy.data[f].map((x) => <option key={x.id} value={x.id}>{x[lang]}</option>)}
              </select>
            </label>
          ))}
          {editing.scope === 'external' ? (
            <label className="field">{t('caseClass.externalBody')}
              <select value={editing.externalBody ?? ''} onChange={(e) => setEditing({ ...editing, externalBody: e.target.value || null })} data-testid="class-externalBody">
                <option value="">—</option>
                {taxonomy.data.externalBody.map((x) => <option key={x.id} value={x.id}>{x[lang]}</option>)}
              </select>
            </label>
          ) : null}
          {error ? <div className="form-error span2">{error}</div> : null}
          <div className="span2 row-actions">
            <button className="btn btn-ghost btn-sm" onClick={() => setEditing(null)}>{t('cancel')}</button>
            <button className="btn btn-primary btn-sm" onClick={save} disabled={busy} data-testid="classification-save">{busy ? <Spinner /> : null}{t('save')}</button>
          </div>
        </div>
      ) : c ? (
        <dl className="kv kv-tight" data-testid="classification">
          {FIELDS.map((f) => <Fragment key={f}><dt>{t(`caseClass.${f}`)}</dt><dd>{label(f, c[f])}</dd></Fragment>)}
          {c.scope === 'external' ? <><dt>{t('caseClass.externalBody')}</dt><dd>{label('externalBody', c.externalBody)}</dd></> : null}
          <dt>{t('caseClass.by')}</dt><dd className="small">{c.updatedBy} · {fmtDateTime(c.updatedAt)}</dd>
        </dl>
      ) : <p className="muted small" data-testid="classification">{t('caseClass.none')}</p>}
    </Card>
  );
}
