export { openDb, type Db, type Queryable, type Row } from './db.js';
export { migrate, listMigrations } from './migrate.js';
export * as users from './users.js';
export * as credentials from './credentials.js';
export * as calls from './calls.js';
export * as alerts from './alerts.js';
export * as events from './events.js';
export * as audit from './audit.js';
export { ROLES, type Role, type User } from './users.js';
