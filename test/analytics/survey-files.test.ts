import { describe, expect, it } from 'vitest';
import { fileTime, parseCsv, readRecords, RESPONSE_COLUMNS } from '../../src/analytics/surveys/files.js';
import { checkResponse, checkResponses } from '../../src/analytics/surveys/validate.js';

// Reading survey files and judging their rows: the CSV dialects Excel writes,
// Korean column titles, times without a zone, and the row numbers a person
// sees in the sheet.

const TZ = 'Asia/Seoul';
const NOW = Date.parse('2026-11-26T00:00:00Z');
const REQUIRED = ['externalId', 'metric', 'score', 'touchpoint', 'respondedAt'];

describe('CSV', () => {
  it('reads quoted fields with commas, quotes and line breaks; CRLF and a UTF-8 BOM', () => {
    const text = '\ufeffa,b,c\r\n1,"x, y","he said ""hi"""\r\n2,"two\nlines",\r\n';
    expect(parseCsv(text)).toEqual([['a', 'b', 'c'], ['1', 'x, y', 'he said "hi"'], ['2', 'two\nlines', '']]);
  });

  it('takes semicolons or tabs when the header has no comma', () => {
    expect(parseCsv('a;b\n1;2')).toEqual([['a', 'b'], ['1', '2']]);
    expect(parseCsv('a\tb\n1\t2')).toEqual([['a', 'b'], ['1', '2']]);
  });

  it('an unclosed quote is a file error', () => {
    expect(() => parseCsv('a,b\n"1,2')).toThrow(/quoted field/);
  });
});

describe('file records', () => {
  it('maps Korean titles to fields, skips blank lines, and numbers rows as the sheet does', async () => {
    const csv = '응답 ID,지표,점수,접점,응답일시\n\nA-1,NPS,9,앱,2026-11-01 09:00\nA-2,csat,"4",콜센터,2026-11-02\n';
    const records = await readRecords(Buffer.from(csv), 'csv', RESPONSE_COLUMNS, REQUIRED, TZ);
    expect(records).toEqual([
      { row: 3, record: { externalId: 'A-1', metric: 'nps', score: 9, touchpoint: '앱', respondedAt: '2026-11-01T00:00:00.000Z' } },
      { row: 4, record: { externalId: 'A-2', metric: 'csat', score: 4, touchpoint: '콜센터', respondedAt: '2026-11-01T15:00:00.000Z' } },
    ]);
  });

  it('a value under no header is reported, not dropped', async () => {
    const records = await readRecords(Buffer.from('externalId,metric,score,touchpoint,respondedAt\nA,nps,9,앱,2026-11-01,extra\n'), 'csv', RESPONSE_COLUMNS, REQUIRED, TZ);
    const checked = checkResponses(records, NOW);
    expect(checked.errors).toEqual([expect.objectContaining({ row: 2, field: 'column 6', code: 'unknown_field' })]);
  });

  it('times: no zone = KST wall clock; a zone is kept; an Excel date cell is a wall clock', () => {
    expect(fileTime('2026-11-01 09:30', TZ)).toBe('2026-11-01T00:30:00.000Z');
    expect(fileTime('2026-11-01T09:30:00Z', TZ)).toBe('2026-11-01T09:30:00Z');
    expect(fileTime(new Date(Date.UTC(2026, 10, 1, 9, 30, 15)), TZ)).toBe('2026-11-01T00:30:15.000Z');
    expect(fileTime('어제', TZ)).toBe('어제');
  });
});

describe('response validation', () => {
  const ok = { externalId: 'v-1', metric: 'nps', score: 10, touchpoint: ' 앱 ', respondedAt: '2026-11-01T09:00:00+09:00' };

  it('normalises what it keeps: trimmed text, UTC time, nulls for what is absent', () => {
    expect(checkResponse(ok, NOW)).toEqual({
      ok: true,
      value: { externalId: 'v-1', metric: 'nps', score: 10, touchpoint: '앱', respondedAt: '2026-11-01T00:00:00.000Z', product: null, segment: null, comment: null, callId: null, customerId: null, caseId: null },
    });
  });

  it('reports every problem of a record at once', () => {
    const c = checkResponse({ externalId: 'v-2', metric: 'ces', score: 0, respondedAt: 'soon', extra: 1 }, NOW);
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.errors.map((e) => [e.field, e.code]).sort()).toEqual([['extra', 'unknown_field'], ['respondedAt', 'invalid_time'], ['score', 'score_out_of_range'], ['touchpoint', 'missing_field']]);
  });

  it('the edges of each scale are in, one past them is out', () => {
    const at = (metric: string, score: number) => checkResponse({ ...ok, metric, score }, NOW).ok;
    expect([at('nps', 0), at('nps', 10), at('csat', 1), at('csat', 5), at('ces', 1), at('ces', 7)]).toEqual([true, true, true, true, true, true]);
    expect([at('nps', -1), at('nps', 11), at('csat', 0), at('csat', 6), at('ces', 0), at('ces', 8)]).toEqual([false, false, false, false, false, false]);
  });
});
