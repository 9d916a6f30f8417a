import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendEvent } from '../../src/delivery/senders.js';
import { sendMail, SmtpError } from '../../src/delivery/smtp.js';
import { parseMail, startSmtpDouble, type SmtpDouble } from './receivers.js';

// The SMTP client against the SMTP double (a stand-in for the site's mail relay).

describe('SMTP client', () => {
  let smtp: SmtpDouble;
  beforeAll(async () => { smtp = await startSmtpDouble(); });
  afterAll(async () => smtp?.close());

  const msg = { to: ['a@site.test'], subject: '[민원 레이더] 시험', text: '본문\n.점으로 시작하는 줄', messageId: '<t1@minwon-radar>' };

  it('authenticates with the URL credentials and hands over a UTF-8 mail', async () => {
    const u = new URL(smtp.url);
    u.username = 'radar';
    u.password = 'p@ss word';
    const r = await sendMail({ url: u.toString(), from: 'radar@site.test', timeoutMs: 2000 }, msg);
    expect(r.code).toBe(250);
    const got = smtp.mails.at(-1)!;
    expect(got.auth).toBe('\0radar\0p@ss word');
    const parsed = parseMail(got.data);
    expect(parsed.headers.subject).toBe(msg.subject);
    expect(parsed.text).toBe('본문\r\n.점으로 시작하는 줄');
  });

  it('reports a refused recipient with its reply code', async () => {
    smtp.reject.add('gone@site.test');
    const err = await sendMail({ url: smtp.url, from: 'radar@site.test', timeoutMs: 2000 }, { ...msg, to: ['gone@site.test'] }).catch((e) => e);
    expect(err).toBeInstanceOf(SmtpError);
    expect(err.code).toBe(550);
    expect(err.message).toContain('RCPT');
  });

  it('a sender outcome, never a throw: unreachable server, missing configuration', async () => {
    const event = { seq: 1, type: 'alert.created', subjectId: 'a', createdAt: new Date().toISOString(), payload: {} };
    const sub = { id: 's', kind: 'email' as const, target: 'a@site.test', secret: null };
    const base = { timeoutMs: 1000, mailFrom: 'radar@site.test', publicUrl: null };
    expect(await sendEvent(sub, event, 1, { ...base, smtpUrl: null })).toMatchObject({ ok: false, error: expect.stringContaining('smtp_not_configured') });
    const down = await sendEvent(sub, event, 1, { ...base, smtpUrl: 'smtp://127.0.0.1:1' });
    expect(down.ok).toBe(false);
    expect(down.error).toMatch(/ECONNREFUSED/);
    const hook = await sendEvent({ ...sub, kind: 'webhook', target: 'http://127.0.0.1:1/' }, event, 1, { ...base, smtpUrl: null });
    expect(hook).toMatchObject({ ok: false, status: null });
  });
});
