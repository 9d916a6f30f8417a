import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, post } from '../api';
import { useLang, useT } from '../i18n';
import { Spinner } from '../ui';

function AuthFrame({ children }: { children: React.ReactNode }) {
  const { t } = useT();
  const { lang, setLang } = useLang();
  return (
    <div className="auth">
      <div className="auth-hero">
        <div className="auth-brand">
          <svg viewBox="0 0 32 32" width="44" height="44" aria-hidden><rect width="32" height="32" rx="7" fill="#1d4a85" /><circle cx="16" cy="16" r="9" fill="none" stroke="#7cc4ff" strokeWidth="2" /><circle cx="16" cy="16" r="4" fill="none" stroke="#7cc4ff" strokeWidth="2" /><path d="M16 16 L24 9" stroke="#ff7a6e" strokeWidth="2.5" strokeLinecap="round" /></svg>
          <div><div className="auth-name">{t('appName')}</div><div className="auth-en">Minwon Radar · VOM</div></div>
        </div>
        <p className="auth-tagline">{t('login.subtitle')}</p>
        <ul className="auth-points">
          <li>{lang === 'ko' ? '통화 중 “금감원”, “언론 제보”, “소송” 발언을 1초 안에 감지' : 'Catches “FSS”, “press”, “lawsuit” threats within a second'}</li>
          <li>{lang === 'ko' ? '알림에서 민원 사례까지 한 번에, SLA와 반복 민원 관리' : 'From alert to complaint case in one step, with SLA and repeat tracking'}</li>
          <li>{lang === 'ko' ? '규칙 변경 전 과거 통화로 미리 검증' : 'Test rule changes on past calls before going live'}</li>
        </ul>
      </div>
      <div className="auth-panel">
        <button className="link-btn auth-lang" onClick={() => setLang(lang === 'ko' ? 'en' : 'ko')}>{t('language')}</button>
        {children}
        <p className="auth-foot">{t('login.footer')}</p>
      </div>
    </div>
  );
}

export function LoginPage() {
  const { t } = useT();
  const qc = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await post('/api/auth/login', { username, password });
      await qc.invalidateQueries({ queryKey: ['me'] });
    } catch (err) {
      setError(err instanceof ApiError && err.code === 'invalid_credentials' ? t('login.failed') : (err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthFrame>
      <form className="auth-form" onSubmit={submit} data-testid="login-form">
        <h1>{t('login.title')}</h1>
        <label>{t('login.username')}<input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} autoFocus required /></label>
        <label>{t('login.password')}<input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required /></label>
        {error ? <div className="form-error" role="alert">{error}</div> : null}
        <button className="btn btn-primary btn-block" disabled={busy} type="submit">{busy ? <Spinner /> : null}{t('login.submit')}</button>
      </form>
    </AuthFrame>
  );
}

export function ChangePasswordPage({ forced }: { forced?: boolean }) {
  const { t } = useT();
  const qc = useQueryClient();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (next !== again) return setError(t('pw.mismatch'));
    setBusy(true);
    setError(null);
    try {
      await post('/api/auth/password', { currentPassword: current, newPassword: next });
      await qc.invalidateQueries({ queryKey: ['me'] });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const signOut = async () => {
    await post('/api/auth/logout').catch(() => {});
    qc.invalidateQueries({ queryKey: ['me'] });
  };

  return (
    <AuthFrame>
      <form className="auth-form" onSubmit={submit} data-testid="password-form">
        <h1>{t('pw.title')}</h1>
        {forced ? <p className="auth-note">{t('pw.forced')}</p> : null}
        <label>{t('pw.current')}<input name="current" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required /></label>
        <label>{t('pw.new')}<input name="new" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} required /></label>
        <label>{t('pw.confirm')}<input name="confirm" type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} required /></label>
        <p className="hint">{t('pw.policy')}</p>
        {error ? <div className="form-error" role="alert">{error}</div> : null}
        <button className="btn btn-primary btn-block" disabled={busy} type="submit">{busy ? <Spinner /> : null}{t('pw.submit')}</button>
        <button type="button" className="link-btn" onClick={signOut}>{t('signOut')}</button>
      </form>
    </AuthFrame>
  );
}
