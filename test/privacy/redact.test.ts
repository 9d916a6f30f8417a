import { describe, expect, it } from 'vitest';
import { luhnValid, redact, rrnChecksumValid, rrnDateValid } from '../../src/privacy/redact.js';

const kinds = (text: string) => redact(text).redactions.map((r) => r.kind);

describe('redact', () => {
  it('redacts Luhn-valid card numbers with spaces or hyphens, not invalid ones', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(redact('카드번호 4111-1111-1111-1111 이요').text).toBe('카드번호 [카드번호] 이요');
    expect(redact('4111 1111 1111 1111').text).toBe('[카드번호]');
    expect(redact('5500000000000004로 결제').text).toBe('[카드번호]로 결제');
    expect(kinds('4111-1111-1111-1112')).not.toContain('card');
    expect(redact('주문번호 4111111111111112').text).toBe('주문번호 4111111111111112');
  });

  it('redacts resident registration numbers only with a real date (and checksum when unhyphenated)', () => {
    // 900101-1234568: valid date, and the pre-2020 check digit holds
    expect(rrnDateValid('9001011234568')).toBe(true);
    expect(rrnChecksumValid('9001011234568')).toBe(true);
    expect(redact('주민번호 900101-1234568 입니다').text).toBe('주민번호 [주민번호] 입니다');
    expect(redact('9001011234568').text).toBe('[주민번호]');
    // hyphenated post-2020 style number without checksum is still redacted
    expect(kinds('020304-3123456')).toEqual(['rrn']);
    // 13 digits with an impossible date (month 13, Feb 30) are not resident numbers
    expect(kinds('901301-1234567')).not.toContain('rrn');
    expect(kinds('900230-1234567')).not.toContain('rrn');
    // unhyphenated with a wrong check digit: not a resident number
    expect(kinds('9001011234567')).not.toContain('rrn');
  });

  it('redacts phone numbers, account numbers and e-mail', () => {
    expect(redact('010-1234-5678로 연락 주세요').text).toBe('[전화번호]로 연락 주세요');
    expect(redact('집은 02-345-6789').text).toBe('집은 [전화번호]');
    expect(redact('01012345678').text).toBe('[전화번호]');
    expect(redact('계좌 110-123-456789 로 보내주세요').text).toBe('계좌 [계좌번호] 로 보내주세요');
    expect(redact('입금 계좌는 12345678901234').text).toBe('입금 계좌는 [계좌번호]');
    expect(redact('메일은 kim.minsu@example.co.kr 입니다').text).toBe('메일은 [이메일] 입니다');
  });

  it('leaves amounts, dates and short numbers alone', () => {
    for (const s of ['350,000원 결제됐어요', '2024-05-10에 결제', '3개월 할부', '승인번호 12345678']) {
      expect(redact(s).text).toBe(s);
    }
  });

  it('returns placeholder spans in the redacted text', () => {
    const r = redact('전화 010-1234-5678, 카드 4111111111111111');
    expect(r.redactions.map((x) => r.text.slice(x.start, x.end))).toEqual(['[전화번호]', '[카드번호]']);
    expect(r.redactions.map((x) => x.kind)).toEqual(['phone', 'card']);
  });
});

describe('international numbers and metadata', () => {
  it('redacts Korean numbers written with +82', async () => {
    const { redact } = await import('../../src/privacy/redact.js');
    expect(redact('+82-10-1234-5678').text).toBe('+[전화번호]');
    expect(redact('발신 +821012345678').text).toBe('발신 +[전화번호]');
  });
  it('redacts every string inside call metadata', async () => {
    const { redactValues } = await import('../../src/privacy/redact.js');
    expect(redactValues({ participant: { ani: '+82-10-1234-5678', name: '홍길동' }, tags: ['010-9876-5432', 3] }))
      .toEqual({ participant: { ani: '+[전화번호]', name: '홍길동' }, tags: ['[전화번호]', 3] });
  });
});
