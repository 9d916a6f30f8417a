import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { csvRecords, parseCsv, parseDate, parseFile, parseJson, validateTable } from '../../src/analytics/statistics/index.js';

// Files from other systems: parsing CSV/xlsx/JSON and validating each row into
// the standard record, with row-level errors a person can act on.

const fixture = (name: string) => readFileSync(new URL(`../fixtures/statistics/${name}`, import.meta.url));
const TODAY = '2026-11-26';

describe('CSV', () => {
  it('reads quotes, doubled quotes, newlines inside quotes, CRLF and a BOM', () => {
    const recs = csvRecords('\ufeffa,b\r\n"x, ""y""","line1\nline2"\r\n3,\n');
    expect(recs).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { fields: ['x, "y"', 'line1\nline2'], line: 2 },
      { fields: ['3', ''], line: 4 },
    ]);
  });

  it('rejects an unclosed quote as an unreadable file', () => {
    expect(() => parseCsv('a,b\n"open,1\n')).toThrow(expect.objectContaining({ status: 400, code: 'invalid_file' }));
  });

  it('skips blank lines, keeps spreadsheet row numbers', () => {
    const t = parseCsv('id,n\n\n1,2\n\n3,4\n');
    expect(t.rows.map((r) => r.row)).toEqual([3, 5]);
  });
});

describe('validating complaint rows', () => {
  it('maps Korean headers and labels to the taxonomy and names the one bad row', () => {
    const table = parseCsv(fixture('complaints-one-bad-row.csv').toString('utf8'));
    const v = validateTable('complaints', table, TODAY);
    expect(v.errors).toEqual([{ row: 3, field: 'channel', code: 'unknown_value', message: expect.stringContaining('텔레그램') }]);
    expect(v.values).toEqual([
      expect.objectContaining({ externalId: 'E2E-0001', receivedOn: '2026-09-01', channel: 'phone', product: 'credit_card', type: 'payment', cause: 'processing', scope: 'internal', externalBody: null, severity: 3, status: 'in_progress', summary: '중복 승인, 취소 지연' }),
      expect.objectContaining({ externalId: 'E2E-0003', channel: 'web', product: 'card_loan', type: 'sales', cause: 'explanation', scope: 'external', externalBody: 'fss', severity: 4, status: 'resolved' }),
    ]);
  });

  it('reports every kind of problem with row, field and code', () => {
    const table = parseJson(JSON.stringify([
      { external_id: 'A1', received_on: '2026-02-30', channel: 'phone', product: 'credit_card', type: 'payment' },
      { external_id: 'A2', received_on: '2026-12-01', channel: 'phone', product: 'credit_card', type: 'payment' },
      { external_id: 'A3', received_on: '2026-03-01', channel: 'phone', product: '', type: 'payment', severity: 9 },
      { external_id: 'A4', received_on: '2026-03-01', channel: 'phone', product: 'credit_card', type: 'payment', scope: '대외' },
      { external_id: 'A5', received_on: '2026-03-01', channel: 'phone', product: 'credit_card', type: 'payment', scope: 'internal', external_body: '금감원' },
      { external_id: 'A1', received_on: '2026-03-01', channel: 'phone', product: 'credit_card', type: 'payment' },
      { external_id: 'bad id!', received_on: '2026-03-01', channel: 'phone', product: 'credit_card', type: 'payment' },
    ]));
    const v = validateTable('complaints', table, TODAY);
    expect(v.errors.map((e) => [e.row, e.field, e.code])).toEqual([
      [1, 'receivedOn', 'invalid_date'],
      [2, 'receivedOn', 'future_date'],
      [3, 'product', 'required'],
      [3, 'severity', 'invalid_number'],
      [4, 'externalBody', 'external_body_required'],
      [5, 'externalBody', 'external_body_not_allowed'],
      [6, 'externalId', 'duplicate_in_file'],
      [7, 'externalId', 'invalid_id'],
    ]);
  });

  it('infers external scope from an external body, defaults the rest, and redacts personal data in free text', () => {
    const table = parseJson(JSON.stringify({ rows: [{ id: 'X-1', date: '2026.9.7', channel: 'FSS 이첩', product: '할부', type: '채권추심', 외부기관: 'FSS', 내용: '연락처 010-1234-5678 로 회신 요청' }] }));
    const v = validateTable('complaints', table, TODAY);
    expect(v.errors).toEqual([{ row: 1, field: 'channel', code: 'unknown_value', message: expect.any(String) }]);
    const ok = validateTable('complaints', parseJson(JSON.stringify([{ id: 'X-1', date: '2026.9.7', channel: '이첩', product: '할부', type: '채권추심', 외부기관: 'FSS', 내용: '연락처 010-1234-5678 로 회신 요청' }])), TODAY);
    expect(ok.errors).toEqual([]);
    expect(ok.values[0]).toMatchObject({ receivedOn: '2026-09-07', channel: 'external', product: 'installment', type: 'collection', scope: 'external', externalBody: 'fss', cause: 'unspecified', severity: 3, status: 'received' });
    expect((ok.values[0] as { summary: string }).summary).not.toContain('1234-5678');
  });

  it('names a missing required column once, on the header row', () => {
    const v = validateTable('complaints', parseCsv('접수번호,접수일,채널,상품\nA,2026-01-01,전화,신용카드\n'), TODAY);
    expect(v.errors).toEqual([{ row: 1, field: 'type', code: 'missing_column', message: expect.any(String) }]);
  });

  it('reads dates as people write them', () => {
    expect(['2026-09-30', '2026.09.30', '2026/9/30', '20260930', '2026. 9. 30.'].map((d) => parseDate(d))).toEqual(Array(5).fill('2026-09-30'));
    expect(parseDate('2026-09-31')).toBeNull();
    expect(parseDate(new Date(Date.UTC(2026, 8, 30)))).toBe('2026-09-30');
  });
});

describe('xlsx', () => {
  it('reads the first sheet, date cells and numbers, with spreadsheet row numbers', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('민원');
    ws.addRow(['접수번호', '접수일', '채널', '상품', '유형', '중요도']);
    ws.addRow(['X-1', new Date(Date.UTC(2026, 6, 1)), '앱', '체크카드', '포인트', 2]);
    ws.addRow(['X-2', '2026-07-02', '앱', '체크카드', '없는유형', 2]);
    const buf = new Uint8Array(await wb.xlsx.writeBuffer());
    const table = await parseFile('xlsx', buf);
    const v = validateTable('complaints', table, TODAY);
    expect(v.values).toEqual([expect.objectContaining({ externalId: 'X-1', receivedOn: '2026-07-01', channel: 'app', type: 'benefits', severity: 2 })]);
    expect(v.errors.map((e) => [e.row, e.field, e.code])).toEqual([[3, 'type', 'unknown_value']]);
  });

  it('says a file that is not a workbook is unreadable', async () => {
    await expect(parseFile('xlsx', new TextEncoder().encode('not a zip'))).rejects.toMatchObject({ status: 400, code: 'invalid_file' });
  });
});

describe('peer figures and customer base', () => {
  it('reads published changes as percent', () => {
    const v = validateTable('peers', parseCsv(fixture('peers-2026-q3.csv').toString('utf8')), TODAY);
    expect(v.errors).toEqual([]);
    expect(v.values.map((p: any) => [p.company, p.complaintsChangePct, p.convertedChangePct])).toEqual([
      ['현대카드', 31, 20], ['롯데카드', 20, 17], ['신한카드', 17, 17], ['삼성카드', 15, 11], ['KB국민카드', 8, 8], ['우리카드', 0, 5],
    ]);
  });

  it('refuses a bad period, a bad percentage and an empty row', () => {
    const v = validateTable('peers', parseCsv('회사,기간,민원건수,민원건수증감률\nA,2026-Q9,1,\nB,2026-Q3-YTD,,abc\nC,2026-Q3-YTD,,\n'), TODAY);
    expect(v.errors.map((e) => [e.row, e.field, e.code])).toEqual([[2, 'period', 'invalid_period'], [3, 'complaintsChangePct', 'invalid_number'], [4, 'complaints', 'required']]);
  });

  it('takes customer counts with thousands separators', () => {
    const v = validateTable('customers', parseCsv('기간,고객수\n2026-Q3,"11,950,000"\n2026-09,0\n'), TODAY);
    expect(v.values).toEqual([{ period: '2026-Q3', customers: 11_950_000, note: '' }]);
    expect(v.errors.map((e) => [e.row, e.field, e.code])).toEqual([[3, 'customers', 'invalid_number']]);
  });
});
