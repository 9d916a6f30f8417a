import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { checkMapping, parseDateTime, rowHash, suggestMapping, validateRows } from '../../src/analytics/analysis/index.js';
import { parseXlsx } from '../../src/analytics/statistics/index.js';

// Dataset files: mapping suggestions from Korean and English headers, times in
// the forms other systems write them, row errors, and the id-less row key.

const TZ = 'Asia/Seoul';
const TODAY = '2026-11-26';

describe('parseDateTime', () => {
  it('reads local wall-clock times, zoned ISO times and dates as instants', () => {
    expect(parseDateTime('2026-09-30 23:30', TZ)).toBe('2026-09-30T14:30:00.000Z');
    expect(parseDateTime('2026.9.30 08:05:09', TZ)).toBe('2026-09-29T23:05:09.000Z');
    expect(parseDateTime('2026-09-30T14:30:00Z', TZ)).toBe('2026-09-30T14:30:00.000Z');
    expect(parseDateTime('2026-09-30T23:30:00+09:00', TZ)).toBe('2026-09-30T14:30:00.000Z');
    expect(parseDateTime('20260930', TZ)).toBe('2026-09-29T15:00:00.000Z');
    // A spreadsheet cell: its UTC fields are the wall clock the sheet shows.
    expect(parseDateTime(new Date(Date.UTC(2026, 8, 30, 23, 30)), TZ)).toBe('2026-09-30T14:30:00.000Z');
  });
  it('refuses what is not a time', () => {
    for (const bad of ['2026-02-30', '2026-09-30 24:10', 'yesterday', '30/09/2026', '']) expect(parseDateTime(bad, TZ)).toBeNull();
  });
});

describe('suggestMapping', () => {
  it('maps Korean and English headers; an exact field id wins; unknown headers stay unmapped', () => {
    expect(suggestMapping('marketing', ['캠페인 코드', 'Campaign_Name', 'customerId', '고객번호', '발송 일시', '비고'])).toEqual({
      '캠페인 코드': 'campaignId', Campaign_Name: 'campaignName', customerId: 'customerId', 고객번호: null, '발송 일시': 'contactedAt', 비고: null,
    });
  });
  it('reports a required field left unmapped and a field mapped twice', () => {
    expect(checkMapping('sales', ['d', 'p', 'q'], { d: 'date', p: 'product', q: 'product' }).map((p) => [p.field, p.code])).toEqual([['product', 'mapped_twice'], ['count', 'missing_column']]);
  });
});

describe('validateRows', () => {
  const table = (rows: Record<string, string>[]) => ({ headers: Object.keys(rows[0]!), rows: rows.map((values, i) => ({ row: i + 2, values })) });

  it('normalises a platform row: defaults, redacted free text, the local day, a hash key', () => {
    const t = table([{ 일시: '2026-08-18 00:30', 플랫폼: 'app', 이벤트: 'release', 설명: '담당 010-2345-6789 연락' }]);
    const v = validateRows('platform', t, suggestMapping('platform', t.headers), TZ, TODAY);
    expect(v.errors).toEqual([]);
    expect(v.values[0]).toMatchObject({ day: '2026-08-18', occurredAt: '2026-08-17T15:30:00.000Z', channel: 'app', category: 'release', qty: 1, data: { description: '담당 [전화번호] 연락' } });
    expect(v.values[0]!.key).toBe(rowHash('platform', v.values[0]!.data));
    expect(v.values[0]!.key).toMatch(/^h:[0-9a-f]{32}$/);
  });

  it('gives every bad cell a row error (row, field, code)', () => {
    const t = table([
      { consultation_id: 'A-1', occurred_at: '2026-13-01', customer_id: '900101-1234568', product: '신용카드', duration: '-5' },
      { consultation_id: 'A-1', occurred_at: '2026-12-01 10:00', customer_id: 'CUST-1', product: '비트코인', duration: '10' },
      { consultation_id: 'A-1', occurred_at: '2026-07-01 10:00', customer_id: 'CUST-1', product: '', duration: '' },
      { consultation_id: 'A-1', occurred_at: '2026-07-01 11:00', customer_id: 'CUST-2', product: '', duration: '' },
    ]);
    const v = validateRows('consultations', t, suggestMapping('consultations', t.headers), TZ, TODAY);
    expect(v.errors.map((e) => [e.row, e.field, e.code])).toEqual([
      [2, 'occurredAt', 'invalid_datetime'], [2, 'customerId', 'personal_data'], [2, 'durationSec', 'invalid_number'],
      [3, 'occurredAt', 'future_date'], [3, 'product', 'unknown_value'],
      [5, 'id', 'duplicate_in_file'],
    ]);
    expect(v.values.map((x) => x.key)).toEqual(['A-1']);
  });

  it('reads an xlsx sheet through the statistics reader', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('판매');
    ws.addRow(['판매일', '상품', '판매건수']);
    ws.addRow([new Date(Date.UTC(2026, 6, 15)), '체크카드', 1200]);
    const t = await parseXlsx(new Uint8Array(await wb.xlsx.writeBuffer()));
    const v = validateRows('sales', t, suggestMapping('sales', t.headers), TZ, TODAY);
    expect(v.errors).toEqual([]);
    expect(v.values[0]).toMatchObject({ day: '2026-07-15', product: 'check_card', qty: 1200, customerId: null });
  });
});
