import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, lazy, Suspense, useContext, useEffect, type ComponentType, type ReactNode } from 'react';
import { ApiError, get, post, type Me } from './api';
import { useLang, useT } from './i18n';
import { Link, match, navigate, useLocation } from './router';
import { ErrorBox, Loading, Toasts } from './ui';
import { LoginPage, ChangePasswordPage } from './pages/Login';
import { AlertBoard } from './pages/AlertBoard';

// Screens other than sign-in and the alert board load on first visit: the
// charts library and the larger screens stay out of the first download.
function lazyPage<K extends string>(load: () => Promise<Record<K, ComponentType<any>>>, name: K) {
  return lazy(() => load().then((m) => ({ default: m[name] })));
}
const CallsPage = lazyPage(() => import('./pages/Calls'), 'CallsPage');
const CallLive = lazyPage(() => import('./pages/CallLive'), 'CallLive');
const CasesPage = lazyPage(() => import('./pages/Cases'), 'CasesPage');
const DeliveryPage = lazyPage(() => import('./pages/Delivery'), 'DeliveryPage');
const CaseDetailPage = lazyPage(() => import('./pages/CaseDetail'), 'CaseDetailPage');
const RulesPage = lazyPage(() => import('./pages/Rules'), 'RulesPage');
const SearchPage = lazyPage(() => import('./pages/Search'), 'SearchPage');
const AuditPage = lazyPage(() => import('./pages/Audit'), 'AuditPage');
const BriefingPage = lazyPage(() => import('./pages/Briefing'), 'BriefingPage');
const EarlyWarningsPage = lazyPage(() => import('./pages/EarlyWarnings'), 'EarlyWarningsPage');
const InspectionsPage = lazyPage(() => import('./pages/Inspections'), 'InspectionsPage');
const StatisticsPage = lazyPage(() => import('./pages/Statistics'), 'StatisticsPage');
const SurveysPage = lazyPage(() => import('./pages/Surveys'), 'SurveysPage');
const UsersPage = lazyPage(() => import('./pages/Users'), 'UsersPage');
const VosPage = lazyPage(() => import('./pages/Vos'), 'VosPage');
const PanelPage = lazyPage(() => import('./pages/Panel'), 'PanelPage');
const AnalysisPage = lazyPage(() => import('./pages/Analysis'), 'AnalysisPage');

const MeCtx = createContext<Me | null>(null);
export const useMe = () => useContext(MeCtx)!;
export const can = (me: Me, ...perms: string[]) => perms.some((p) => me.permissions.includes(p));

interface NavItem { to: string; key: string; icon: string; perms: string[]; section: 'monitor' | 'insight' | 'manage' }
const NAV: NavItem[] = [
  { to: '/alerts', key: 'nav.alerts', icon: '◉', perms: ['alerts:read'], section: 'monitor' },
  { to: '/calls', key: 'nav.calls', icon: '☏', perms: ['calls:read', 'calls:read:own'], section: 'monitor' },
  { to: '/briefings', key: 'nav.briefing', icon: '▦', perms: ['briefings:read'], section: 'monitor' },
  { to: '/early-warnings', key: 'nav.earlyWarnings', icon: '↗', perms: ['early_warnings:read'], section: 'monitor' },
  { to: '/statistics', key: 'nav.statistics', icon: '▥', perms: ['statistics:read'], section: 'insight' },
  { to: '/surveys', key: 'nav.surveys', icon: '☺', perms: ['surveys:read'], section: 'insight' },
  { to: '/vos', key: 'nav.vos', icon: '✉', perms: ['vos:read'], section: 'insight' },
  { to: '/panel', key: 'nav.panel', icon: '◎', perms: ['panel:read'], section: 'insight' },
  { to: '/analysis', key: 'nav.analysis', icon: '▧', perms: ['datasets:read'], section: 'insight' },
  { to: '/cases', key: 'nav.cases', icon: '▤', perms: ['cases:read'], section: 'manage' },
  { to: '/rules', key: 'nav.rules', icon: '⚙', perms: ['rules:read'], section: 'manage' },
  { to: '/search', key: 'nav.search', icon: '⌕', perms: ['calls:read', 'calls:read:own', 'alerts:read', 'cases:read'], section: 'manage' },
  { to: '/delivery', key: 'nav.delivery', icon: '⇄', perms: ['deliveries:read'], section: 'manage' },
  { to: '/inspections', key: 'nav.inspections', icon: '☑', perms: ['inspections:read'], section: 'manage' },
  { to: '/users', key: 'nav.users', icon: '☻', perms: ['users:manage', 'tokens:manage', 'audit:read'], section: 'manage' },
  { to: '/audit', key: 'nav.audit', icon: '⛨', perms: ['audit:read'], section: 'manage' },
];

/** The first screen a role may see. */
const homeFor = (me: Me) => NAV.find((n) => can(me, ...n.perms))?.to ?? '/search';

export function App() {
  const me = useQuery<Me>({ queryKey: ['me'], queryFn: () => get('/api/auth/me'), retry: false, staleTime: 60_000 });
  if (me.isLoading) return <div className="boot"><Loading /></div>;
  if (me.error) {
    if (me.error instanceof ApiError && me.error.status === 401) return <><LoginPage /><Toasts /></>;
    return <div className="boot"><ErrorBox error={me.error} onRetry={() => me.refetch()} /></div>;
  }
  if (me.data!.user.mustChangePassword) return <><ChangePasswordPage forced /><Toasts /></>;
  return (
    <MeCtx.Provider value={me.data!}>
      <Shell />
      <Toasts />
    </MeCtx.Provider>
  );
}

function Shell() {
  const me = useMe();
  const { t } = useT();
  const { lang, setLang } = useLang();
  const loc = useLocation();
  const qc = useQueryClient();

  useEffect(() => {
    if (loc.path === '/' || loc.path === '/login') navigate(homeFor(me), true);
  }, [loc.path, me]);

  const signOut = async () => {
    await post('/api/auth/logout').catch(() => {});
    navigate('/', true);
    // Forget everything the last user saw, then ask who we are (401 → sign-in page).
    qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
    await qc.resetQueries({ queryKey: ['me'] });
  };

  const allowed = NAV.filter((n) => can(me, ...n.perms));
  const active = (to: string) => loc.path === to || loc.path.startsWith(`${to}/`);
  const section = (s: NavItem['section']) => allowed.filter((n) => n.section === s);

  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="brand">
          <svg viewBox="0 0 32 32" width="30" height="30" aria-hidden><rect width="32" height="32" rx="7" fill="#1d4a85" /><circle cx="16" cy="16" r="9" fill="none" stroke="#7cc4ff" strokeWidth="2" /><circle cx="16" cy="16" r="4" fill="none" stroke="#7cc4ff" strokeWidth="2" /><path d="M16 16 L24 9" stroke="#ff7a6e" strokeWidth="2.5" strokeLinecap="round" /></svg>
          <div><div className="brand-name">{t('appName')}</div><div className="brand-sub">{t('appSub')}</div></div>
        </div>
        <div className="sidebar-nav">
        {(['monitor', 'insight', 'manage'] as const).map((s) => section(s).length > 0 && (
          <nav key={s} className="nav">
            <div className="nav-section">{t(`nav.section.${s}`)}</div>
            {section(s).map((n) => (
              <Link key={n.to} to={n.to} className={`nav-item ${active(n.to) ? 'active' : ''}`}>
                <span className="nav-icon">{n.icon}</span>{t(n.key)}
              </Link>
            ))}
          </nav>
        ))}
        </div>
        <div className="sidebar-foot">
          <div className="me">
            <div className="avatar">{me.user.username.slice(0, 1).toUpperCase()}</div>
            <div className="me-text"><div className="me-name">{me.user.username}</div><div className="me-role">{t(`role.${me.user.role}`)}</div></div>
          </div>
          <div className="sidebar-actions">
            <button className="link-btn" onClick={() => setLang(lang === 'ko' ? 'en' : 'ko')} data-testid="lang-switch">{t('language')}</button>
            <button className="link-btn" onClick={signOut} data-testid="sign-out">{t('signOut')}</button>
          </div>
        </div>
      </aside>
      <main className="main">
        <Suspense fallback={<div className="page"><Loading /></div>}><Routes path={loc.path} /></Suspense>
      </main>
    </div>
  );
}

function Guard({ perms, children }: { perms: string[]; children: ReactNode }) {
  const me = useMe();
  const { t } = useT();
  if (!can(me, ...perms)) return <div className="page"><div className="state state-error" data-testid="forbidden">{t('err.forbidden')}</div></div>;
  return <>{children}</>;
}

function Routes({ path }: { path: string }) {
  const { t } = useT();
  let m: Record<string, string> | null;
  if (path === '/alerts') return <Guard perms={['alerts:read']}><AlertBoard /></Guard>;
  if (path === '/calls') return <Guard perms={['calls:read', 'calls:read:own']}><CallsPage /></Guard>;
  if ((m = match('/calls/:id', path))) return <Guard perms={['calls:read', 'calls:read:own']}><CallLive key={m.id} id={m.id} /></Guard>;
  if (path === '/cases') return <Guard perms={['cases:read']}><CasesPage /></Guard>;
  if ((m = match('/cases/:id', path))) return <Guard perms={['cases:read']}><CaseDetailPage key={m.id} id={m.id} /></Guard>;
  if (path === '/rules') return <Guard perms={['rules:read']}><RulesPage /></Guard>;
  if (path === '/search') return <SearchPage />;
  if (path === '/users') return <Guard perms={['users:manage', 'tokens:manage', 'audit:read']}><UsersPage /></Guard>;
  if (path === '/audit') return <Guard perms={['audit:read']}><AuditPage /></Guard>;
  if (path === '/delivery') return <Guard perms={['deliveries:read']}><DeliveryPage /></Guard>;
  if (path === '/briefings') return <Guard perms={['briefings:read']}><BriefingPage /></Guard>;
  if ((m = match('/briefings/:date', path))) return <Guard perms={['briefings:read']}><BriefingPage date={m.date} /></Guard>;
  if (path === '/early-warnings') return <Guard perms={['early_warnings:read']}><EarlyWarningsPage /></Guard>;
  if ((m = match('/early-warnings/:id', path))) return <Guard perms={['early_warnings:read']}><EarlyWarningsPage focusId={m.id} /></Guard>;
  if (path === '/statistics') return <Guard perms={['statistics:read']}><StatisticsPage /></Guard>;
  if (path === '/surveys') return <Guard perms={['surveys:read']}><SurveysPage /></Guard>;
  if (path === '/panel') return <Guard perms={['panel:read']}><PanelPage /></Guard>;
  if ((m = match('/panel/:id', path))) return <Guard perms={['panel:read']}><PanelPage key={m.id} focusId={m.id} /></Guard>;
  if (path === '/analysis') return <Guard perms={['datasets:read']}><AnalysisPage /></Guard>;
  if (path === '/vos') return <Guard perms={['vos:read']}><VosPage /></Guard>;
  if ((m = match('/vos/:id', path))) return <Guard perms={['vos:read']}><VosPage key={m.id} focusId={m.id} /></Guard>;
  if (path === '/inspections') return <Guard perms={['inspections:read']}><InspectionsPage /></Guard>;
  if ((m = match('/inspections/:id', path))) return <Guard perms={['inspections:read']}><InspectionsPage key={m.id} focusId={m.id} /></Guard>;
  if (path === '/' || path === '/login') return null;
  return <div className="page"><div className="state state-empty">{t('notFound')}</div></div>;
}
