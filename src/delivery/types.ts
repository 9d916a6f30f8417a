// Plain data shared by the delivery modules.

export const SUBSCRIPTION_KINDS = ['webhook', 'slack', 'teams', 'email'] as const;
export type SubscriptionKind = (typeof SUBSCRIPTION_KINDS)[number];

export interface Subscription {
  id: string;
  name: string;
  kind: SubscriptionKind;
  /** URL for webhook/slack/teams; comma-separated addresses for email. */
  target: string;
  /** Exact types, prefixes like 'case.*', or '*'. */
  eventTypes: string[];
  minSeverity: number | null;
  /** Empty = every category. */
  categories: string[];
  enabled: boolean;
  hasSecret: boolean;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

/** An outbox event as the relay and senders see it. */
export interface OutboxEvent {
  seq: number;
  /** Set for an event not from the outbox (a test message); otherwise the id is `evt_<seq>`. */
  id?: string;
  type: string;
  subjectId: string;
  payload: unknown;
  createdAt: string;
}

export const DELIVERY_STATUSES = ['pending', 'delivered', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** The result of one attempt to hand an event to a receiver. */
export interface SendOutcome {
  ok: boolean;
  /** HTTP status, or the SMTP reply code. */
  status: number | null;
  error: string | null;
  /** A receiver's Retry-After, when it sent one. */
  retryAfterMs?: number;
}
