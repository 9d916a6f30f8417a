import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { download, get, qs, type Call } from '../api';
import { fmtDateTime } from '../format';
import { useT } from '../i18n';
import { Link } from '../router';
import { Card, Empty, ErrorBox, Loading, Spinner, errorText, toast } from '../ui';

export function RiskMeter({ score }: { score: number }) {
  const level = score >= 70 ? 'high' : score >= 40 ? 'mid' : score > 0 ? 'low' : 'none';
  return <span className={`risk risk-${level}`}><span className="risk-bar"><span style={{ width: `${score}%` }} /></span><b>{score}</b></span>;
}

export function CallsPage() {
  const { t } = useT();
  const [activeOnly, setActiveOnly] = useState(false);
  const [customerId, setCustomerId] = useState('');
  const [exporting, setExporting] = useState(false);
  const filters = { limit: 100, active: activeOnly || undefined, customerId: customerId.trim() };
  const calls = useQuery<{ items: Call[] }>({ queryKey: ['calls', filters], queryFn: () => get(`/api/calls${qs(filters)}`), refetchInterval: 5000 });
  const items = calls.data?.items ?? [];
  const exportXlsx = async () => {
    setExporting(true);
    try { await download(`/api/export/calls.xlsx${qs({ active: filters.active, customerId: filters.customerId })}`); } catch (e) { toast(errorText(e), 'err'); } finally { setExporting(false); }
  };
  return (
    <div className="page">
      <header className="page-head">
        <div><h1>{t('calls.title')}</h1><div className="sub">{items.filter((c) => !c.endedAt).length} {t('calls.active')}</div></div>
        <div className="head-actions"><button className="btn" onClick={exportXlsx} disabled={exporting}>{exporting ? <Spinner /> : '⤓'} {t('exportXlsx')}</button></div>
      </header>
      <div className="filters">
        <label className="toggle"><input type="checkbox" checked={activeOnly} onChange={(e) => setActiveOnly(e.target.checked)} /> {t('calls.activeOnly')}</label>
        <input placeholder={t('cases.customerId')} value={customerId} onChange={(e) => setCustomerId(e.target.value)} className="w-180" />
      </div>
      <Card pad={false}>
        {calls.isLoading ? <Loading /> : calls.error ? <ErrorBox error={calls.error} onRetry={() => calls.refetch()} /> : items.length === 0 ? <Empty title={t('calls.empty')} icon="☏" /> : (
          <table className="table" data-testid="calls-table">
            <thead><tr><th className="w-90">{t('status')}</th><th className="w-150">{t('calls.started')}</th><th>{t('customer')}</th><th>{t('agent')}</th><th className="w-180">{t('calls.risk')}</th><th>ID</th></tr></thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id}>
                  <td>{c.endedAt ? <span className="pill pill-muted">{t('calls.ended')}</span> : <span className="pill pill-live"><span className="dot" />{t('calls.active')}</span>}</td>
                  <td className="mono">{fmtDateTime(c.startedAt)}</td>
                  <td>{c.customerId ?? '—'}</td>
                  <td>{c.agentId ?? '—'}</td>
                  <td><RiskMeter score={c.riskScore} /></td>
                  <td><Link to={`/calls/${encodeURIComponent(c.id)}`} className="mono">{c.id.slice(0, 18)}</Link></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}
