import { badRequest } from '../core/errors.js';
import type { SubscriptionKind } from './types.js';

// Checks on subscription input that a JSON schema cannot express; throw a 400
// with a machine-readable code. Pure apart from the throw.

export const EVENT_TYPE_PATTERN = '^(\\*|[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*(\\.\\*)?)$';
const EMAIL = /^[^\s@<>(),;:"\\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
const MAX_RECIPIENTS = 50;

/** The target in its stored form, or a 400. */
export function normalizeTarget(kind: SubscriptionKind, target: string): string {
  const t = target.trim();
  if (kind === 'email') {
    const addrs = t.split(/[,;\s]+/).filter(Boolean);
    if (addrs.length === 0) throw badRequest('invalid_target', 'An e-mail subscription needs at least one address / 받는 주소를 입력하세요');
    if (addrs.length > MAX_RECIPIENTS) throw badRequest('invalid_target', `At most ${MAX_RECIPIENTS} addresses`);
    const bad = addrs.filter((a) => !EMAIL.test(a));
    if (bad.length > 0) throw badRequest('invalid_target', `Not an e-mail address: ${bad.join(', ')} / 올바른 이메일 주소가 아닙니다`);
    return [...new Set(addrs)].join(', ');
  }
  let url: URL;
  try {
    url = new URL(t);
  } catch {
    throw badRequest('invalid_target', `A ${kind} subscription needs an http(s) URL / URL 형식이 아닙니다`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badRequest('invalid_target', 'Only http and https URLs / http 또는 https URL만 허용됩니다');
  return url.toString();
}

/**
 * The target as shown in responses and the audit trail. Slack and Teams webhook
 * URLs are credentials themselves, so only their host and the last characters
 * are shown; a webhook URL loses user info and query (which may carry tokens).
 */
export function maskTarget(kind: SubscriptionKind, target: string): string {
  if (kind === 'email') return target;
  try {
    const url = new URL(target);
    if (kind === 'webhook') return `${url.protocol}//${url.host}${url.pathname}${url.search ? '?…' : ''}`;
    return `${url.protocol}//${url.host}/…${target.slice(-4)}`;
  } catch {
    return '…';
  }
}
