import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { RadarError } from '../../core/errors.js';
import { categoryLabel } from '../../vom/labels.js';
import { STATUS_LABELS, type CaseStatus } from '../../vom/workflow.js';
import type { BriefingConfig } from './config.js';
import type { BriefingContent, Compared } from './types.js';

// The briefing as an A4 PDF for the 10:00 meeting: printed, mailed, filed.
// Korean needs a CJK font; PDF's standard fonts have no Hangul, so without one
// the text would come out as empty boxes — refuse clearly instead. PDFKit embeds
// only the glyphs used (a subset), so a 19 MB collection makes a ~100 KB file.

export class BriefingFontMissing extends RadarError {
  constructor(path: string) {
    super(500, 'briefing_font_missing', `The PDF needs a font with Korean glyphs and '${path}' does not exist. Install Debian's fonts-noto-cjk or point RADAR_BRIEFING_FONT at a Korean TTF/OTF/TTC file.`, { path });
  }
}

export interface BriefingMetaForPdf {
  day: string;
  version: number;
  generatedAt: string;
  generatedBy: string;
}

type Doc = PDFKit.PDFDocument;
const INK = '#1b2533';
const MUTED = '#6b7686';
const LINE = '#d9dee7';
const ACCENT = '#1d4a85';
const DANGER = '#c2255c';
const PAGE = { margin: 40, width: 595.28, height: 841.89 };
const CONTENT_W = PAGE.width - PAGE.margin * 2;

export async function renderBriefingPdf(c: BriefingContent, meta: BriefingMetaForPdf, font: Pick<BriefingConfig, 'fontPath' | 'fontName'>): Promise<Buffer> {
  if (!existsSync(font.fontPath)) throw new BriefingFontMissing(font.fontPath);
  const doc = new PDFDocument({
    size: 'A4', margin: PAGE.margin, bufferPages: true,
    info: { Title: `일일 브리핑 ${c.day}`, Author: '민원 레이더 (Minwon Radar)', Subject: 'Daily briefing', CreationDate: new Date(meta.generatedAt) },
  });
  const done = collect(doc);
  // A .ttc holds several faces; PDFKit picks one by its PostScript name.
  doc.registerFont('ko', font.fontPath, font.fontPath.toLowerCase().endsWith('.ttc') ? font.fontName : undefined);
  doc.font('ko').fillColor(INK);
  header(doc, c, meta);
  kpis(doc, c);
  alertSections(doc, c);
  topCallsSection(doc, c);
  caseSections(doc, c);
  repeatSection(doc, c);
  warningSection(doc, c);
  rulesSection(doc, c);
  footers(doc, c, meta);
  doc.end();
  return done;
}

function collect(doc: Doc): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (b: Buffer) => chunks.push(b));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

const kst = (iso: string, tz: string) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
const n = (v: number) => v.toLocaleString('ko-KR');
const delta = (now: number, then: number) => (now === then ? '±0' : now > then ? `+${n(now - then)}` : `−${n(then - now)}`);
const hm = (s: number) => `${Math.floor(s / 3600)}시간 ${Math.floor((s % 3600) / 60)}분`;
const offset = (ms: number) => `${Math.floor(ms / 60000)}:${String(Math.floor(ms / 1000) % 60).padStart(2, '0')}`;
const status = (s: string) => STATUS_LABELS[s as CaseStatus]?.ko ?? s;

function header(doc: Doc, c: BriefingContent, meta: BriefingMetaForPdf) {
  doc.rect(0, 0, PAGE.width, 78).fill(ACCENT);
  doc.fillColor('#ffffff').fontSize(20).text(`일일 브리핑 · ${c.day}`, PAGE.margin, 22);
  doc.fontSize(9).fillColor('#c9d8ef').text(`민원 레이더 (Minwon Radar) Daily briefing · ${c.timezone} ${kst(c.window.from, c.timezone)} – ${kst(c.window.to, c.timezone)}`, PAGE.margin, 50);
  doc.fillColor(INK).fontSize(8.5);
  const line = `기준 시각 ${kst(c.asOf, c.timezone)} · 버전 ${meta.version} · 생성 ${kst(meta.generatedAt, c.timezone)} (${meta.generatedBy})`;
  doc.text(line, PAGE.margin, 88, { width: CONTENT_W });
  if (c.partial) doc.fillColor(DANGER).text('진행 중인 날의 중간 집계입니다 (the day was not over when the figures were taken).', { width: CONTENT_W });
  doc.fillColor(INK);
  doc.y += 6;
}

function kpis(doc: Doc, c: BriefingContent) {
  const cards: [string, string, string][] = [
    ['모니터링 통화', n(c.calls.monitored.count), `전일 ${n(c.calls.monitored.previousDay)} · 전주 ${n(c.calls.monitored.weekBefore)}`],
    ['알림', n(c.alerts.total.count), `전일 ${n(c.alerts.total.previousDay)} · 전주 ${n(c.alerts.total.weekBefore)}`],
    ['고위험 알림 (4–5)', n(c.alerts.highSeverity.count), `전일 ${n(c.alerts.highSeverity.previousDay)} · 전주 ${n(c.alerts.highSeverity.weekBefore)}`],
    ['통화 시간', c.calls.talkSeconds === null ? '—' : hm(c.calls.talkSeconds), c.calls.averageTalkSeconds === null ? '종료된 통화 없음' : `종료 ${n(c.calls.ended)}건 · 평균 ${offset(c.calls.averageTalkSeconds * 1000)}`],
    ['신규 사례', n(c.cases.newCount), ''],
    ['진행 중 사례', n(c.cases.openTotal), c.cases.openByStatus.map((s) => `${status(s.status)} ${s.count}`).join(' · ')],
    ['SLA 초과', n(c.cases.slaBreachCount), '처리 기한이 지난 진행 중 사례'],
    ['반복 민원', n(c.repeats.count), c.earlyWarnings.available ? `조기 경보 ${n(c.earlyWarnings.count)}건` : '조기 경보: 미설치'],
  ];
  const cols = 4;
  const gap = 8;
  const w = (CONTENT_W - gap * (cols - 1)) / cols;
  const h = 58;
  const top = doc.y;
  cards.forEach(([label, value, sub], i) => {
    const x = PAGE.margin + (i % cols) * (w + gap);
    const y = top + Math.floor(i / cols) * (h + gap);
    doc.roundedRect(x, y, w, h, 5).lineWidth(0.7).strokeColor(LINE).stroke();
    doc.fillColor(MUTED).fontSize(8).text(label, x + 8, y + 7, { width: w - 16, lineBreak: false });
    const alarm = (label === 'SLA 초과' || label.startsWith('고위험')) && value !== '0';
    doc.fillColor(alarm ? DANGER : INK).fontSize(17).text(value, x + 8, y + 19, { width: w - 16, lineBreak: false });
    doc.fillColor(MUTED).fontSize(7).text(sub, x + 8, y + 42, { width: w - 16, lineBreak: false, ellipsis: true });
  });
  doc.fillColor(INK);
  doc.x = PAGE.margin;
  doc.y = top + 2 * (h + gap) + 4;
}

/** A section title; `reserve` keeps it on the page of what follows it (no orphaned titles). */
function heading(doc: Doc, text: string, reserve = 60) {
  ensureSpace(doc, reserve);
  doc.x = PAGE.margin;
  doc.moveDown(0.6);
  doc.fillColor(ACCENT).fontSize(12).text(text, PAGE.margin, doc.y, { width: CONTENT_W });
  const y = doc.y + 2;
  doc.moveTo(PAGE.margin, y).lineTo(PAGE.margin + CONTENT_W, y).lineWidth(0.8).strokeColor(ACCENT).stroke();
  doc.y = y + 5;
  doc.fillColor(INK);
}

function ensureSpace(doc: Doc, h: number) {
  if (doc.y + h > PAGE.height - PAGE.margin - 20) doc.addPage();
}

interface Col { header: string; width: number; align?: 'left' | 'right' | 'center' }

/** A plain table that carries its header over page breaks. */
function table(doc: Doc, cols: Col[], rows: string[][], empty = '해당 없음') {
  const total = cols.reduce((s, c) => s + c.width, 0);
  const widths = cols.map((c) => (c.width / total) * CONTENT_W);
  const pad = 4;
  const drawHeader = () => {
    const y = doc.y;
    doc.rect(PAGE.margin, y, CONTENT_W, 16).fill('#eef2f8');
    doc.fillColor(MUTED).fontSize(8);
    let x = PAGE.margin;
    cols.forEach((c, i) => {
      doc.text(c.header, x + pad, y + 4, { width: widths[i]! - pad * 2, align: c.align ?? 'left', lineBreak: false });
      x += widths[i]!;
    });
    doc.y = y + 16;
  };
  ensureSpace(doc, 34);
  drawHeader();
  if (rows.length === 0) {
    doc.fillColor(MUTED).fontSize(8.5).text(empty, PAGE.margin + pad, doc.y + 4, { width: CONTENT_W });
    doc.y += 4;
    doc.fillColor(INK);
    return;
  }
  doc.fontSize(8.5);
  for (const row of rows) {
    const h = Math.max(...row.map((cell, i) => doc.heightOfString(cell, { width: widths[i]! - pad * 2 }))) + pad * 2;
    if (doc.y + h > PAGE.height - PAGE.margin - 20) {
      doc.addPage();
      drawHeader();
      doc.fontSize(8.5);
    }
    const y = doc.y;
    let x = PAGE.margin;
    doc.fillColor(INK);
    row.forEach((cell, i) => {
      doc.text(cell, x + pad, y + pad, { width: widths[i]! - pad * 2, align: cols[i]!.align ?? 'left' });
      x += widths[i]!;
    });
    doc.moveTo(PAGE.margin, y + h).lineTo(PAGE.margin + CONTENT_W, y + h).lineWidth(0.4).strokeColor(LINE).stroke();
    doc.y = y + h;
  }
  doc.x = PAGE.margin;
}

const comparedCells = (c: Compared) => [n(c.count), n(c.previousDay), delta(c.count, c.previousDay), n(c.weekBefore), delta(c.count, c.weekBefore)];
const COMPARE_COLS: Col[] = [
  { header: '당일', width: 1, align: 'right' }, { header: '전일', width: 1, align: 'right' }, { header: '증감', width: 1, align: 'right' },
  { header: '전주 같은 요일', width: 1.5, align: 'right' }, { header: '증감', width: 1, align: 'right' },
];

function alertSections(doc: Doc, c: BriefingContent) {
  heading(doc, '유형별 알림 (Alerts by category)');
  table(doc, [{ header: '유형', width: 3 }, ...COMPARE_COLS], [
    ...c.alerts.byCategory.map((x) => [categoryLabel(x.category), ...comparedCells(x)]),
    ...(c.alerts.byCategory.length ? [['합계', ...comparedCells(c.alerts.total)]] : []),
  ], '알림이 없었습니다.');
  heading(doc, '심각도별 알림 (Alerts by severity)');
  table(doc, [{ header: '심각도', width: 3 }, ...COMPARE_COLS], c.alerts.bySeverity.map((x) => [`${x.severity}`, ...comparedCells(x)]));
  doc.fontSize(8).fillColor(MUTED).text(`오탐 처리 ${n(c.alerts.falsePositives)}건 · 민원 전환 ${n(c.alerts.escalated)}건`, PAGE.margin, doc.y + 4, { width: CONTENT_W });
  hourChart(doc, c.alerts.byHour);
}

/** Alerts per hour as bars: when in the day the risk came in. */
function hourChart(doc: Doc, byHour: number[]) {
  heading(doc, '시간대별 알림 (Alerts by hour)');
  ensureSpace(doc, 90);
  const top = doc.y + 4;
  const h = 60;
  const max = Math.max(1, ...byHour);
  const bw = CONTENT_W / 24;
  byHour.forEach((v, i) => {
    const bh = (v / max) * h;
    const x = PAGE.margin + i * bw;
    if (v > 0) {
      doc.rect(x + 2, top + h - bh, bw - 4, bh).fill(ACCENT);
      doc.fillColor(INK).fontSize(6.5).text(String(v), x, top + h - bh - 9, { width: bw, align: 'center', lineBreak: false });
    }
    doc.fillColor(MUTED).fontSize(6.5).text(String(i).padStart(2, '0'), x, top + h + 3, { width: bw, align: 'center', lineBreak: false });
  });
  doc.moveTo(PAGE.margin, top + h).lineTo(PAGE.margin + CONTENT_W, top + h).lineWidth(0.5).strokeColor(LINE).stroke();
  doc.fillColor(INK);
  doc.x = PAGE.margin;
  doc.y = top + h + 14;
}

function topCallsSection(doc: Doc, c: BriefingContent) {
  // A call's row is tall (each alert two lines): keep the title with the first one.
  const first = c.topCalls[0]?.alerts.length ?? 0;
  heading(doc, '주요 위험 통화 (Top alerted calls)', 60 + first * 24);
  const rows = c.topCalls.map((call, i) => [
    String(i + 1),
    `${call.callId}\n고객 ${call.customerId ?? '—'} · 상담사 ${call.agentId ?? '—'}${call.escalated ? '\n복합 위험' : ''}`,
    `${call.maxSeverity} / ${call.riskScore}`,
    call.alerts.map((a) => `[${categoryLabel(a.category)} · ${a.severity}] “${a.match}” (${a.speaker === 'customer' ? '고객' : '상담사'} ${offset(a.startMs)})${a.negated ? ' 부정/가정' : ''}\n${a.ruleId} — ${a.explanation}`).join('\n'),
  ]);
  table(doc, [{ header: '#', width: 0.4, align: 'right' }, { header: '통화', width: 2.4 }, { header: '심각도/위험', width: 1.2, align: 'center' }, { header: '탐지 근거 (규칙 · 감지 발화)', width: 7 }], rows, '위험 통화가 없었습니다.');
}

function caseSections(doc: Doc, c: BriefingContent) {
  heading(doc, `신규 민원 사례 (New cases) — ${n(c.cases.newCount)}건`);
  table(doc, [{ header: '사례', width: 1.3 }, { header: '제목', width: 4 }, { header: '유형', width: 1.6 }, { header: '심각도', width: 0.8, align: 'center' }, { header: '상태', width: 0.9 }, { header: '담당자', width: 1.4 }],
    c.cases.new.map((k) => [k.ref, k.title, categoryLabel(k.category) || '—', String(k.severity), status(k.status), k.assigneeName ?? '미배정']), '신규 사례가 없었습니다.');
  heading(doc, `진행 중 사례 (Open cases) — ${n(c.cases.openTotal)}건`);
  table(doc, [{ header: '상태', width: 2 }, { header: '건수', width: 1, align: 'right' }], c.cases.openByStatus.map((s) => [status(s.status), n(s.count)]));
  heading(doc, `SLA 초과 (Past due) — ${n(c.cases.slaBreachCount)}건`);
  table(doc, [{ header: '사례', width: 1.3 }, { header: '제목', width: 4 }, { header: '심각도', width: 0.8, align: 'center' }, { header: '처리 기한', width: 1.8 }, { header: '초과', width: 1, align: 'right' }, { header: '담당자', width: 1.4 }],
    c.cases.slaBreaches.map((k) => [k.ref, k.title, String(k.severity), kst(k.dueAt, c.timezone), `${n(k.hoursOverdue)}시간`, k.assigneeName ?? '미배정']), '기한을 넘긴 사례가 없습니다.');
}

function repeatSection(doc: Doc, c: BriefingContent) {
  heading(doc, `반복 민원 (Repeat complaints) — ${n(c.repeats.count)}건`);
  table(doc, [{ header: '시각', width: 1.6 }, { header: '사례', width: 1.3 }, { header: '고객', width: 1.4 }, { header: '유형', width: 1.8 }, { header: '구분', width: 2.4 }],
    c.repeats.items.map((r) => [kst(r.at, c.timezone).slice(11), r.caseRef, r.customerId ?? '—', categoryLabel(r.category) || '—', r.kind === 'contact' ? `재접촉 (통화 ${r.callId})` : '종결 사례의 재민원']), '반복 민원이 없었습니다.');
}

function warningSection(doc: Doc, c: BriefingContent) {
  heading(doc, `주요 이슈·급증 (Early warnings) — ${c.earlyWarnings.available ? `${n(c.earlyWarnings.count)}건` : '미설치'}`);
  if (!c.earlyWarnings.available) {
    doc.fontSize(8.5).fillColor(MUTED).text('조기 경보 기능이 아직 이 데이터베이스에 없습니다 (early warning not installed).', { width: CONTENT_W });
    doc.fillColor(INK);
    return;
  }
  table(doc, [{ header: '발생', width: 1.4 }, { header: '이슈', width: 4 }, { header: '통화', width: 1, align: 'right' }, { header: '평소', width: 1, align: 'right' }, { header: '상태', width: 1.2 }],
    c.earlyWarnings.items.map((w) => [kst(w.raisedAt, c.timezone).slice(11), w.topicLabel, n(w.calls), w.baseline.toFixed(1), w.status]), '조기 경보가 없었습니다.');
}

function rulesSection(doc: Doc, c: BriefingContent) {
  heading(doc, '많이 탐지된 규칙 (Top rules)');
  table(doc, [{ header: '규칙', width: 3 }, { header: '유형', width: 2 }, { header: '알림', width: 1, align: 'right' }, { header: '탐지', width: 1, align: 'right' }],
    c.topRules.map((r) => [r.ruleId, categoryLabel(r.category), n(r.alerts), n(r.hits)]), '탐지가 없었습니다.');
  heading(doc, '많이 들린 표현 (Top phrases)');
  table(doc, [{ header: '표현', width: 3 }, { header: '유형', width: 2 }, { header: '탐지', width: 1, align: 'right' }, { header: '부정/가정', width: 1, align: 'right' }],
    c.topPhrases.map((p) => [p.term, categoryLabel(p.category), n(p.hits), n(p.negated)]), '탐지가 없었습니다.');
}

function footers(doc: Doc, c: BriefingContent, meta: BriefingMetaForPdf) {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Writing inside the bottom margin would make PDFKit open a new page.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.fontSize(7).fillColor(MUTED).text(
      `민원 레이더 일일 브리핑 ${c.day} · v${meta.version} · 대외비 (개인정보는 저장 전 가림 처리됨) · ${i + 1}/${range.count}`,
      PAGE.margin, PAGE.height - 28, { width: CONTENT_W, align: 'center', lineBreak: false },
    );
    doc.page.margins.bottom = bottom;
  }
}
