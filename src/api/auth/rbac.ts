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
  'statistics:read',
  'statistics:write',
  'surveys:read',
  'surveys:write',
  'inspections:read',
  'inspections:write',
  'vos:read',
  'vos:write',
  'vos:moderate',
  'panel:read',
  'panel:write',
  'datasets:read',
  'datasets:write',
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

// Complaint statistics, consumer evaluation (CSAT/NPS/CES), self-inspection and
// the voice-of-customer board: analysts and officers maintain the figures;
// supervisors and auditors read them; self-inspection is worked by officers and
// supervisors and read by auditors; officers moderate the board, and the
// website that collects posts writes with a token scoped to vos:write; officers
// and analysts run the customer panel; analysts import the datasets that
// combined analysis joins with complaints.
const ANALYSIS_PERMISSIONS: Partial<Record<Role, readonly Permission[]>> = {
  officer: ['statistics:read', 'statistics:write', 'surveys:read', 'surveys:write', 'inspections:read', 'inspections:write', 'vos:read', 'vos:moderate', 'panel:read', 'panel:write', 'datasets:read'],
  supervisor: ['statistics:read', 'surveys:read', 'inspections:read', 'inspections:write', 'vos:read', 'panel:read', 'datasets:read'],
  analyst: ['statistics:read', 'statistics:write', 'surveys:read', 'surveys:write', 'inspections:read', 'vos:read', 'panel:read', 'panel:write', 'datasets:read', 'datasets:write'],
  auditor: ['statistics:read', 'surveys:read', 'inspections:read', 'vos:read', 'panel:read', 'datasets:read'],
};

export function permissionsFor(role: Role, scopes: readonly string[] = []): Set<Permission> {
  const base = [...ROLE_PERMISSIONS[role], ...(EARLY_WARNING_PERMISSIONS[role] ?? []), ...(ANALYSIS_PERMISSIONS[role] ?? [])];
  return new Set(scopes.length === 0 ? base : base.filter((p) => scopes.includes(p)));
}

export const isPermission = (s: string): s is Permission => (PERMISSIONS as readonly string[]).includes(s);
