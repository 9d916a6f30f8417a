import type { PeerInput } from './rows.js';

// Peer comparison from published figures. Each company is ranked on each
// measure among the companies that have a figure for it: rank 1 is the lowest
// value (fewest complaints, smallest rise — the best place to be), equal values
// share a rank and the next rank skips (1, 2, 2, 4: "competition" ranking), the
// way league tables are printed.

export const PEER_MEASURES = ['complaints', 'converted', 'complaintsChangePct', 'convertedChangePct'] as const;
export type PeerMeasure = (typeof PEER_MEASURES)[number];

/** A company's published figures as stored: what an import row or the API gives, plus who changed it when. */
export interface PeerFigure extends PeerInput {
  updatedBy: string;
  updatedAt: string;
}

export interface RankedPeer extends PeerFigure {
  ranks: Record<PeerMeasure, number | null>;
}

export function rankOn(values: readonly (number | null)[]): (number | null)[] {
  return values.map((v) => (v === null ? null : 1 + values.filter((o) => o !== null && o < v).length));
}

/** Adds each company's rank on every measure; keeps the given order. */
export function rankPeers(figures: readonly PeerFigure[]): RankedPeer[] {
  const ranks = Object.fromEntries(PEER_MEASURES.map((m) => [m, rankOn(figures.map((f) => f[m]))])) as Record<PeerMeasure, (number | null)[]>;
  return figures.map((f, i) => ({ ...f, ranks: Object.fromEntries(PEER_MEASURES.map((m) => [m, ranks[m][i]])) as Record<PeerMeasure, number | null> }));
}

/** How many companies have a figure for each measure (the "of N" beside a rank). */
export function rankedCounts(figures: readonly PeerFigure[]): Record<PeerMeasure, number> {
  return Object.fromEntries(PEER_MEASURES.map((m) => [m, figures.filter((f) => f[m] !== null).length])) as Record<PeerMeasure, number>;
}

/** Parses a published change: "+31%", "−4 %", "-4", "0", 31 → a number of percent; null when blank. */
export function parsePercent(v: unknown): number | null | 'invalid' {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : 'invalid';
  const s = String(v).trim().replace(/[−–]/g, '-').replace(/\s+/g, '').replace(/%$/, '').replace(/^\+/, '');
  if (s === '') return null;
  return /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : 'invalid';
}
