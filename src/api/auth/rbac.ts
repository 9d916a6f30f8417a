import type { Role } from '../../store/users.js';

// What each role may do. Routes name the permission they need; tokens may be
// narrowed further with scopes (the intersection applies).

export const PERMISSIONS = [
  'ingest:write',
  'calls:read',
  'calls:read:own',
  'alerts:read',
  'alerts:triage',
  'rules:read',
  'rules:write',
  'cases:read',
  'cases:write',
  'users:manage',
  'tokens:manage',
  'audit:read',
  'metrics:read',
  'retention:manage',
  'subscriptions:manage',
  'deliveries:read',
  'early_warnings:read',
  'early_warnings:ack',
  'early_warnings:manage',
  'briefings:read',
  'briefings:generate',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  officer: ['calls:read', 'calls:read:own', 'alerts:read', 'alerts:triage', 'rules:read', 'cases:read', 'cases:write', 'briefings:read', 'briefings:generate'],
  supervisor: ['calls:read', 'calls:read:own', 'alerts:read', 'alerts:triage', 'rules:read', 'cases:read', 'cases:write', 'briefings:read'],
  analyst: ['calls:read', 'calls:read:own', 'alerts:read', 'rules:read', 'cases:read', 'briefings:read'],
  agent: ['calls:read:own'],
  auditor: ['calls:read', 'calls:read:own', 'alerts:read', 'rules:read', 'audit:read', 'cases:read', 'deliveries:read', 'briefings:read'],
};

// Early warnings (조기 경보): who sees them and who acknowledges them; running the
// evaluation by hand stays with the administrator (all permissions).
const EARLY_WARNING_PERMISSIONS: Partial<Record<Role, readonly Permission[]>> = {
  officer: ['early_warnings:read', 'early_warnings:ack'],
  supervisor: ['early_warnings:read', 'early_warnings:ack'],
  analyst: ['early_warnings:read'],
  auditor: ['early_warnings:read'],
};

export function permissionsFor(role: Role, scopes: readonly string[] = []): Set<Permission> {
  const base = [...ROLE_PERMISSIONS[role], ...(EARLY_WARNING_PERMISSIONS[role] ?? [])];
  return new Set(scopes.length === 0 ? base : base.filter((p) => scopes.includes(p)));
}

export const isPermission = (s: string): s is Permission => (PERMISSIONS as readonly string[]).includes(s);
