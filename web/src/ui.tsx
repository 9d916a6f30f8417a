import { useEffect, useState, type ReactNode } from 'react';
import { ApiError } from './api';
import { categoryColor, useT } from './i18n';

export function Spinner() {
  return <span className="spinner" aria-hidden />;
}

export function Loading({ label }: { label?: string }) {
  const { t } = useT();
  return <div className="state state-loading"><Spinner /> {label ?? t('loading')}</div>;
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useT();
  const e = error as ApiError;
  const msg = e?.status === 403 ? t('err.forbidden') : e?.message ?? String(error);
  return (
    <div className="state state-error" role="alert">
      <strong>{t('err.title')}</strong>
      <span>{msg}{e?.code ? <code className="errcode">{e.code}</code> : null}</span>
      {onRetry ? <button className="btn btn-sm" onClick={onRetry}>{t('retry')}</button> : null}
    </div>
  );
}

export function Empty({ title, hint, icon = '○' }: { title: string; hint?: string; icon?: string }) {
  return (
    <div className="state state-empty">
      <div className="empty-icon">{icon}</div>
      <div className="empty-title">{title}</div>
      {hint ? <div className="empty-hint">{hint}</div> : null}
    </div>
  );
}

export function SeverityBadge({ severity }: { severity: number }) {
  return <span className={`sev sev-${severity}`} title={`severity ${severity}`}>{severity}</span>;
}

export function CategoryTag({ category }: { category: string | null }) {
  const { cat } = useT();
  const color = categoryColor(category);
  return <span className="cat" style={{ color, borderColor: `${color}55`, background: `${color}12` }}>{cat(category)}</span>;
}

export function AlertStatus({ status }: { status: string }) {
  const { t } = useT();
  return <span className={`pill pill-alert-${status}`}>{t(`alert.status.${status}`)}</span>;
}

export function CaseStatus({ status }: { status: string }) {
  const { t } = useT();
  return <span className={`pill pill-case-${status}`}>{t(`case.status.${status}`)}</span>;
}

export function Card({ title, actions, children, className = '', pad = true }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string; pad?: boolean }) {
  return (
    <section className={`card ${className}`}>
      {title || actions ? <header className="card-head"><h3>{title}</h3><div className="card-actions">{actions}</div></header> : null}
      <div className={pad ? 'card-body' : 'card-body nopad'}>{children}</div>
    </section>
  );
}

export function Modal({ title, children, onClose, footer }: { title: string; children: ReactNode; onClose(): void; footer?: ReactNode }) {
  useEffect(() => {
    const k = (e: KeyboardEvent) => { if (e.key === 'Escape') onClose(); };
    window.addEventListener('keydown', k);
    return () => window.removeEventListener('keydown', k);
  }, [onClose]);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => { if (e.target === e.currentTarget) onClose(); }}>
      <div className="modal" role="dialog" aria-modal aria-label={title}>
        <header className="modal-head"><h3>{title}</h3><button className="icon-btn" onClick={onClose} aria-label="close">×</button></header>
        <div className="modal-body">{children}</div>
        {footer ? <footer className="modal-foot">{footer}</footer> : null}
      </div>
    </div>
  );
}

// ---- toasts ----
type Toast = { id: number; text: string; kind: 'ok' | 'err' | 'info' };
let toastSeq = 0;
const toastListeners = new Set<(t: Toast[]) => void>();
let toasts: Toast[] = [];

export function toast(text: string, kind: Toast['kind'] = 'ok') {
  const item = { id: ++toastSeq, text, kind };
  toasts = [...toasts, item];
  toastListeners.forEach((l) => l(toasts));
  setTimeout(() => {
    toasts = toasts.filter((x) => x.id !== item.id);
    toastListeners.forEach((l) => l(toasts));
  }, 4000);
}

export function Toasts() {
  const [list, setList] = useState<Toast[]>(toasts);
  useEffect(() => {
    toastListeners.add(setList);
    return () => { toastListeners.delete(setList); };
  }, []);
  return <div className="toasts">{list.map((x) => <div key={x.id} className={`toast toast-${x.kind}`}>{x.text}</div>)}</div>;
}

/** A form's submit: busy while it runs, the error text when it fails (shown in the form). */
/** `explain` turns a failure into the text shown (a screen may word the refusals it knows). */
export function useSubmit(explain: (e: unknown) => string = errorText): { busy: boolean; error: string | null; run(action: () => Promise<void>): Promise<void> } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(explain(e));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

export function errorText(e: unknown): string {
  return e instanceof ApiError ? `${e.message}` : String(e);
}

/** Highlights [start,end) spans of `text`; each span gets a tooltip. */
export function Highlighted({ text, spans }: { text: string; spans: { start: number; end: number; title: string; className?: string }[] }) {
  const sorted = [...spans].filter((s) => s.end > s.start && s.start >= 0 && s.end <= text.length).sort((a, b) => a.start - b.start);
  const out: ReactNode[] = [];
  let pos = 0;
  sorted.forEach((s, i) => {
    if (s.start < pos) return; // overlapping: keep the first
    if (s.start > pos) out.push(text.slice(pos, s.start));
    out.push(<mark key={i} className={s.className ?? 'hit'} title={s.title}>{text.slice(s.start, s.end)}</mark>);
    pos = s.end;
  });
  out.push(text.slice(pos));
  return <>{out}</>;
}

/** Highlights the first occurrence of `needle` (for context lines where only the matched text is known). */
export function HighlightText({ text, needle, title }: { text: string; needle: string; title?: string }) {
  const i = needle ? text.indexOf(needle) : -1;
  if (i < 0) return <>{text}</>;
  return <Highlighted text={text} spans={[{ start: i, end: i + needle.length, title: title ?? needle }]} />;
}
