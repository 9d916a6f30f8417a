// Times are shown in Korea Standard Time whatever the browser's zone.

const TZ = 'Asia/Seoul';
const dt = new Intl.DateTimeFormat('ko-KR', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
const tm = new Intl.DateTimeFormat('ko-KR', { timeZone: TZ, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const dy = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' });

export function fmtDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const parts = Object.fromEntries(dt.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

export function fmtTime(iso: string | null | undefined): string {
  return iso ? tm.format(new Date(iso)) : '—';
}

/** Today's date in KST as yyyy-mm-dd. */
export const kstDate = (d = new Date()) => dy.format(d);

/** Call offset as m:ss. */
export const fmtOffset = (ms: number) => `${Math.floor(ms / 60000)}:${String(Math.floor(ms / 1000) % 60).padStart(2, '0')}`;

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** "3시간 남음" / "2일 초과" style distance to a due date. */
export function dueDistance(iso: string, lang: 'ko' | 'en'): { text: string; over: boolean } {
  const diff = Date.parse(iso) - Date.now();
  const over = diff < 0;
  const abs = Math.abs(diff);
  const h = Math.round(abs / 3600_000);
  const [n, unitKo, unitEn] = h >= 48 ? [Math.round(abs / 86_400_000), '일', 'd'] : h >= 1 ? [h, '시간', 'h'] : [Math.max(1, Math.round(abs / 60_000)), '분', 'min'];
  return lang === 'ko' ? { text: `${n}${unitKo} ${over ? '초과' : '남음'}`, over } : { text: `${n}${unitEn} ${over ? 'overdue' : 'left'}`, over };
}

/** Start of a period filter as an ISO time. */
export function periodStart(period: string): string | undefined {
  const now = Date.now();
  if (period === '1h') return new Date(now - 3600_000).toISOString();
  if (period === '7d') return new Date(now - 7 * 86_400_000).toISOString();
  if (period === 'today') return new Date(`${kstDate()}T00:00:00+09:00`).toISOString();
  return undefined;
}
