// Delivery of outbox events to other systems (webhooks, Slack, Teams, e-mail).
export { startDelivery, createDeliveryWorker, type DeliveryWorker, type DeliveryDeps } from './worker.js';
export { loadDeliveryConfig, type DeliveryConfig } from './config.js';
export { signPayload, verifySignature, newWebhookSecret } from './signature.js';
export { SUBSCRIPTION_KINDS, DELIVERY_STATUSES, type Subscription, type SubscriptionKind, type DeliveryStatus } from './types.js';
