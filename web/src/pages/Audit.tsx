import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { get, qs } from '../api';
import { fmtDateTime } from '../format';
import { useT } from '../i18n';
import { Card, Empty, ErrorBox, Loading, Spinner } from '../ui';

interface Entry { id: number; at: string; actorId: string | null; actorName: string; action: string; targetType: string; targetId: string | null; details: Record<string, unknown> }

export function AuditPage() {
  const { t } = useT();
  const [action, setAction] = useState('');
  const q = useInfiniteQuery<{ items: Entry[] }>({
    queryKey: ['audit', action],
    initialPageParam: undefined as number | undefined,
    queryFn: ({ pageParam }) => get(`/api/audit${qs({ limit: 100, action: action.trim(), before: pageParam })}`),
    getNextPageParam: (last) => (last.items.length === 100 ? last.items[last.items.length - 1].id : undefined),
  });
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="page">
      <header className="page-head"><div><h1>{t('audit.title')}</h1><div className="sub">{t('audit.sub')} · {items.length}</div></div></header>
      <div className="filters"><input placeholder={t('audit.actionFilter')} value={action} onChange={(e) => setAction(e.target.value)} className="w-220" data-testid="audit-action-filter" /></div>
      <Card pad={false}>
        {q.isLoading ? <Loading /> : q.error ? <ErrorBox error={q.error} onRetry={() => q.refetch()} /> : items.length === 0 ? <Empty title={t('audit.empty')} icon="⛨" /> : (
          <>
            <table className="table" data-testid="audit-table">
              <thead><tr><th className="w-150">{t('time')}</th><th className="w-130">{t('audit.actor')}</th><th className="w-180">{t('audit.action')}</th><th className="w-150">{t('audit.target')}</th><th>{t('audit.details')}</th></tr></thead>
              <tbody>{items.map((e) => (
                <tr key={e.id}>
                  <td className="mono">{fmtDateTime(e.at)}</td><td>{e.actorName}</td><td><code>{e.action}</code></td>
                  <td className="small">{e.targetType}{e.targetId ? <span className="muted mono"> {e.targetId.slice(0, 8)}</span> : null}</td>
                  <td className="details-cell">{Object.entries(e.details).length === 0 ? <span className="muted">—</span> : Object.entries(e.details).map(([k, v]) => (
                    <span key={k} className="kvchip" title={typeof v === 'string' ? v : JSON.stringify(v)}><b>{k}</b> {typeof v === 'string' ? v : JSON.stringify(v)}</span>))}</td>
                </tr>))}</tbody>
            </table>
            {q.hasNextPage ? <div className="pad center"><button className="btn" onClick={() => q.fetchNextPage()} disabled={q.isFetchingNextPage}>{q.isFetchingNextPage ? <Spinner /> : null}{t('more')}</button></div> : null}
          </>
        )}
      </Card>
    </div>
  );
}
