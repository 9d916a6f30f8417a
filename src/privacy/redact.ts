// Personal-data redaction for utterance text, before it is stored, logged or
// matched. Each finding is replaced by a placeholder; the returned spans are
// offsets of the placeholders in the *redacted* text (the only text kept), so the
// detector's hit offsets and these spans refer to the same string.
//
// Numbers are validated, not just shaped: a card number must pass Luhn, a
// resident registration number must carry a real birth date and a valid
// century/sex digit (and, without a hyphen, the pre-2020 checksum). Anything
// that fails stays as it was: order numbers and amounts are not personal data.

export type RedactionKind = 'rrn' | 'card' | 'account' | 'phone' | 'email';

export interface Redaction {
  kind: RedactionKind;
  /** Span of the placeholder in the redacted text. */
  start: number;
  end: number;
}

export interface RedactResult {
  text: string;
  redactions: Redaction[];
}

export const PLACEHOLDERS: Readonly<Record<RedactionKind, string>> = {
  rrn: '[주민번호]',
  card: '[카드번호]',
  account: '[계좌번호]',
  phone: '[전화번호]',
  email: '[이메일]',
};

interface Finding {
  kind: RedactionKind;
  start: number;
  end: number;
}

const EMAIL_RE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
/** Digit groups joined by single hyphens, spaces or dots. */
const DIGIT_RUN_RE = /\d+(?:[ .-]\d+)*/g;
const ACCOUNT_WORDS = /(계좌|통장|입금|이체|송금|account)/;

/** Luhn checksum (ISO/IEC 7812). */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Birth date + century digit sanity for a 13-digit resident number. */
export function rrnDateValid(digits: string): boolean {
  if (!/^\d{13}$/.test(digits)) return false;
  const g = digits.charCodeAt(6) - 48;
  const century = g === 9 || g === 0 ? 1800 : g <= 2 || g === 5 || g === 6 ? 1900 : 2000;
  const year = century + Number(digits.slice(0, 2));
  const month = Number(digits.slice(2, 4));
  const day = Number(digits.slice(4, 6));
  if (month < 1 || month > 12 || day < 1) return false;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= days;
}

/** The pre-October-2020 check digit (numbers issued later have none). */
export function rrnChecksumValid(digits: string): boolean {
  const w = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += (digits.charCodeAt(i) - 48) * w[i];
  return (11 - (sum % 11)) % 10 === digits.charCodeAt(12) - 48;
}

function isRrn(groups: string[], sep: string[]): boolean {
  const digits = groups.join('');
  if (digits.length !== 13 || !rrnDateValid(digits)) return false;
  const split = groups.length === 2 && groups[0].length === 6 && sep[0] === '-';
  // With the 6-7 hyphen the shape is unmistakable (and post-2020 numbers have no checksum).
  return split || (groups.length === 1 && rrnChecksumValid(digits)) || (groups.length === 2 && groups[0].length === 6 && rrnChecksumValid(digits));
}

function isCard(groups: string[]): boolean {
  const digits = groups.join('');
  if (digits.length < 13 || digits.length > 19 || !luhnValid(digits)) return false;
  if (groups.length === 1) return true;
  const shape = groups.map((g) => g.length).join('-');
  return /^(4-4-4-4(-\d)?|4-4-4-4-3|4-6-5|4-6-4|4-4-4-1|4-4-4-2|4-4-4-3)$/.test(shape);
}

function isPhone(groups: string[]): boolean {
  const digits = groups.join('');
  if (groups.length > 3) return false;
  if (/^01[016789]\d{7,8}$/.test(digits)) return groups.length === 1 || groups[0].length === 3;
  if (/^02\d{7,8}$/.test(digits)) return groups.length === 1 || groups[0] === '02';
  if (/^0(3[1-3]|4[1-4]|5[1-5]|6[1-4]|70)\d{7,8}$/.test(digits)) return groups.length === 1 || groups[0].length === 3;
  return false;
}

/** +82 (Korea) written internationally: "+82-10-1234-5678", "+821012345678", "+82 2 1588 0000". */
function isIntlPhone(groups: string[], before: string): boolean {
  if (!before.endsWith('+') || groups.length > 4) return false;
  const digits = groups.join('');
  if (!digits.startsWith('82')) return false;
  const national = '0' + digits.slice(2).replace(/^0/, '');
  return /^(01[016789]\d{7,8}|02\d{7,8}|0(3[1-3]|4[1-4]|5[1-5]|6[1-4]|70)\d{7,8}|0[1-9]0\d{7})$/.test(national);
}

function isAccount(groups: string[], sep: string[], before: string): boolean {
  const digits = groups.join('');
  if (digits.length < 10 || digits.length > 14) return false;
  if (groups.length >= 3 && groups.length <= 4 && sep.every((s) => s === '-')) return true;
  return ACCOUNT_WORDS.test(before);
}

function classify(groups: string[], sep: string[], before: string): RedactionKind | null {
  if (isRrn(groups, sep)) return 'rrn';
  if (isCard(groups)) return 'card';
  if (isPhone(groups) || isIntlPhone(groups, before)) return 'phone';
  if (isAccount(groups, sep, before)) return 'account';
  return null;
}

/** Splits a digit run into groups and the separators between them. */
function groupsOf(run: string): { groups: string[]; sep: string[]; offsets: number[] } {
  const groups: string[] = [];
  const sep: string[] = [];
  const offsets: number[] = [];
  const re = /\d+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(run))) {
    if (groups.length > 0) sep.push(run[m.index - 1]);
    groups.push(m[0]);
    offsets.push(m.index);
  }
  return { groups, sep, offsets };
}

/**
 * Finds numbers in one digit run: the longest group sequence that classifies,
 * from left to right ("010 1234 5678 1234" → a phone number, then the rest).
 */
function findInRun(text: string, runStart: number, run: string, out: Finding[]): void {
  const { groups, sep, offsets } = groupsOf(run);
  let i = 0;
  while (i < groups.length) {
    let matched = false;
    for (let j = groups.length; j > i; j--) {
      const before = text.slice(Math.max(0, runStart + offsets[i] - 12), runStart + offsets[i]);
      const kind = classify(groups.slice(i, j), sep.slice(i, j - 1), before);
      if (!kind) continue;
      const start = runStart + offsets[i];
      out.push({ kind, start, end: runStart + offsets[j - 1] + groups[j - 1].length });
      i = j;
      matched = true;
      break;
    }
    if (!matched) i++;
  }
}

/** Replaces personal data in `text` with placeholders. */
export function redact(text: string): RedactResult {
  const found: Finding[] = [];
  for (const m of text.matchAll(EMAIL_RE)) found.push({ kind: 'email', start: m.index!, end: m.index! + m[0].length });
  for (const m of text.matchAll(DIGIT_RUN_RE)) {
    const s = m.index!;
    // A digit glued to a letter on the left is part of a code (A1234…), not a number of ours.
    if (found.some((f) => f.start < s + m[0].length && f.end > s)) continue;
    findInRun(text, s, m[0], found);
  }
  if (found.length === 0) return { text, redactions: [] };
  found.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  const redactions: Redaction[] = [];
  for (const f of found) {
    if (f.start < at) continue;
    out += text.slice(at, f.start);
    const ph = PLACEHOLDERS[f.kind];
    redactions.push({ kind: f.kind, start: out.length, end: out.length + ph.length });
    out += ph;
    at = f.end;
  }
  out += text.slice(at);
  return { text: out, redactions };
}

/**
 * Redacts every string inside a JSON-like value (call metadata from telephony
 * platforms carries caller numbers and names of fields we cannot know ahead).
 */
export function redactValues<T>(value: T): T {
  if (typeof value === 'string') return redact(value).text as T;
  if (Array.isArray(value)) return value.map((v) => redactValues(v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValues(v)])) as T;
  }
  return value;
}
