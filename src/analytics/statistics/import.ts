import { badRequest } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import * as audit from '../../store/audit.js';
import type { Actor } from '../../store/audit.js';
import type { Db, Queryable } from '../../store/db.js';
import * as repo from '../../store/statistics.js';
import { parseFile, type ImportFormat } from './parse.js';
import { validateTable, type ComplaintRecordInput, type CustomerBaseInput, type ImportKind, type PeerInput, type RowError } from './rows.js';

// One import, start to end: parse the file, validate every row, and either
// reject it (row errors, nothing stored), report a dry run, or store it. The
// rows of a file are stored in ONE transaction, in chunks, so a file is in
// completely or not at all (a crash halfway leaves nothing; importing the same
// file again is safe because records are keyed by their external id). Progress
// of a running import is kept in this process's memory — the transaction's
// rows are invisible to others until it commits — and the import's row in
// statistics_imports gets the outcome.

export const CHUNK_ROWS = 500;
/** Row errors kept with an import and returned (the count is always exact). */
export const MAX_REPORTED_ERRORS = 200;

export interface ImportRequest {
  kind: ImportKind;
  format: ImportFormat;
  filename: string;
  data: Uint8Array;
  /** Complaint records: the system they come from (their ids are unique within it). */
  sourceSystem: string;
  dryRun: boolean;
}

export interface Progress {
  phase: 'validating' | 'storing' | 'done';
  processed: number;
  total: number;
}

export interface ImportView extends repo.ImportRecord {
  progress: Progress;
  unknownColumns?: string[];
}

/** Running imports of this process: id → progress. */
export class ImportTracker {
  private readonly running = new Map<string, Progress>();
  private readonly done = new Map<string, Promise<void>>();
  set(id: string, p: Progress): void { this.running.set(id, p); }
  get(id: string): Progress | undefined { return this.running.get(id); }
  track(id: string, work: Promise<void>): void {
    this.done.set(id, work.finally(() => { this.running.delete(id); this.done.delete(id); }));
  }
  /** Resolves when the import finishes or after `ms`, whichever is first. */
  async wait(id: string, ms: number): Promise<void> {
    const w = this.done.get(id);
    if (w) await Promise.race([w, new Promise((r) => setTimeout(r, ms).unref())]);
  }
  /** Every import still running (a server closing waits for them). */
  async drain(): Promise<void> { await Promise.allSettled([...this.done.values()]); }
}

export function view(rec: repo.ImportRecord, tracker: ImportTracker): ImportView {
  const live = rec.status === 'running' ? tracker.get(rec.id) : undefined;
  return { ...rec, progress: live ?? { phase: rec.status === 'running' ? 'storing' : 'done', processed: rec.processedRows, total: rec.totalRows } };
}

const todayIn = (tz: string) => new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

/** Case ids named by records that do not exist: a row error each. */
async function unknownCases(q: Queryable, rows: readonly ComplaintRecordInput[], rowOf: Map<string, number>): Promise<RowError[]> {
  const ids = [...new Set(rows.map((r) => r.caseId).filter((x): x is string => x !== null))];
  const known = await repo.existingCases(q, ids);
  return rows.filter((r) => r.caseId !== null && !known.has(r.caseId)).map((r) => ({
    row: rowOf.get(r.externalId) ?? 0, field: 'caseId', code: 'unknown_case', message: `No VOM case ${r.caseId}`,
  }));
}

export interface StartResult {
  record: repo.ImportRecord;
  unknownColumns: string[];
  /** Set while the rows are being stored in the background. */
  work?: Promise<void>;
}

/**
 * Validates and (unless a dry run) starts storing. Throws 400 `invalid_file`
 * for a file that cannot be read and 400 `import_invalid` with the row errors
 * for one that has bad rows; in both cases the attempt is logged and audited
 * and no data row is stored.
 */
export async function startImport(db: Db, tracker: ImportTracker, actor: Actor, req: ImportRequest, tz: string): Promise<StartResult> {
  const id = newId();
  const base = {
    id, kind: req.kind, format: req.format, filename: req.filename, sourceSystem: req.kind === 'complaints' ? req.sourceSystem : null,
    dryRun: req.dryRun, processedRows: 0, inserted: 0, updated: 0, unchanged: 0, createdBy: actor.name,
  };
  const reject = async (totalRows: number, errors: RowError[], errorCount: number, message: string) => {
    await db.tx(async (q) => {
      await repo.insertImport(q, { ...base, status: 'rejected', totalRows, errorCount, errors: errors.slice(0, MAX_REPORTED_ERRORS), message });
      await audit.appendAudit(q, actor, 'statistics.import_rejected', { type: 'statistics_import', id }, { kind: req.kind, filename: req.filename, rows: totalRows, errors: errorCount });
    });
  };

  let table;
  try {
    table = await parseFile(req.format, req.data);
  } catch (err) {
    const e = err as { code?: string; message: string };
    await reject(0, [], 0, e.message);
    throw Object.assign(err as Error, { details: { ...((err as { details?: object }).details ?? {}), importId: id } });
  }
  const total = table.rows.length;
  tracker.set(id, { phase: 'validating', processed: 0, total });
  const checked = validateTable(req.kind, table, todayIn(tz), (n) => tracker.set(id, { phase: 'validating', processed: n, total }));
  if (req.kind === 'complaints' && checked.errorCount === 0) {
    const recs = checked.values as ComplaintRecordInput[];
    const rowOf = new Map(table.rows.map((r, i) => [recs[i]?.externalId ?? '', r.row]));
    // Rows and values line up only when every row was valid, which is the case here.
    const missing = await unknownCases(db, recs, rowOf);
    checked.errors.push(...missing);
    checked.errorCount += missing.length;
  }
  if (checked.errorCount > 0) {
    tracker.set(id, { phase: 'done', processed: total, total });
    await reject(total, checked.errors, checked.errorCount, `${checked.errorCount} error(s) in ${total} row(s); nothing was stored`);
    throw badRequest('import_invalid', `The file has ${checked.errorCount} error(s); nothing was stored`, {
      importId: id, totalRows: total, errorCount: checked.errorCount, errors: checked.errors.slice(0, MAX_REPORTED_ERRORS), unknownColumns: checked.unknownColumns,
    });
  }
  if (req.dryRun) {
    tracker.set(id, { phase: 'done', processed: total, total });
    const record = await db.tx(async (q) => {
      const r = await repo.insertImport(q, { ...base, status: 'validated', totalRows: total, processedRows: total, errorCount: 0, errors: [], message: 'Dry run: every row is valid; nothing was stored' });
      await audit.appendAudit(q, actor, 'statistics.import_validated', { type: 'statistics_import', id }, { kind: req.kind, filename: req.filename, rows: total });
      return r;
    });
    return { record, unknownColumns: checked.unknownColumns };
  }
  const record = await repo.insertImport(db, { ...base, status: 'running', totalRows: total, errorCount: 0, errors: [], message: null });
  tracker.set(id, { phase: 'storing', processed: 0, total });
  const work = store(db, tracker, actor, req, id, checked.values, total);
  tracker.track(id, work);
  return { record, unknownColumns: checked.unknownColumns, work };
}

async function store(db: Db, tracker: ImportTracker, actor: Actor, req: ImportRequest, id: string, values: unknown[], total: number): Promise<void> {
  const counts = { inserted: 0, updated: 0, unchanged: 0 };
  try {
    await db.tx(async (q) => {
      for (let i = 0; i < values.length; i += CHUNK_ROWS) {
        const chunk = values.slice(i, i + CHUNK_ROWS);
        const c = await storeChunk(q, req, chunk, actor, id);
        counts.inserted += c.inserted;
        counts.updated += c.updated;
        counts.unchanged += c.unchanged;
        tracker.set(id, { phase: 'storing', processed: Math.min(values.length, i + CHUNK_ROWS), total });
        // Let other requests (progress polls) in between chunks.
        await new Promise((r) => setImmediate(r));
      }
      await repo.finishImport(q, id, { status: 'completed', processedRows: total, ...counts, message: null });
      await audit.appendAudit(q, actor, 'statistics.import', { type: 'statistics_import', id }, {
        kind: req.kind, filename: req.filename, sourceSystem: req.kind === 'complaints' ? req.sourceSystem : undefined, rows: total, ...counts,
      });
    });
  } catch (err) {
    await repo.finishImport(db, id, { status: 'failed', processedRows: 0, inserted: 0, updated: 0, unchanged: 0, message: (err as Error).message })
      .catch(() => undefined);
  }
}

async function storeChunk(q: Queryable, req: ImportRequest, chunk: unknown[], actor: Actor, importId: string): Promise<repo.UpsertCounts> {
  if (req.kind === 'complaints') {
    const recs = chunk as ComplaintRecordInput[];
    return repo.upsertRecords(q, req.sourceSystem, recs, recs.map(() => newId()), importId);
  }
  const counts = { inserted: 0, updated: 0, unchanged: 0 };
  for (const v of chunk) {
    const { before } = req.kind === 'peers'
      ? await repo.upsertPeer(q, v as PeerInput, actor.name)
      : await repo.upsertCustomerBase(q, v as CustomerBaseInput, actor.name);
    if (before === null) counts.inserted++;
    else counts.updated++;
  }
  return counts;
}
