import { badRequest } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { redact } from '../../privacy/redact.js';
import * as audit from '../../store/audit.js';
import type { Actor } from '../../store/audit.js';
import type { Db } from '../../store/db.js';
import * as repo from '../../store/datasets.js';
import { dayOf } from '../briefing/time.js';
import { CHUNK_ROWS, ImportTracker, MAX_REPORTED_ERRORS, type Progress } from '../statistics/import.js';
import { parseFile, type ImportFormat, type Table } from '../statistics/parse.js';
import { text, type RowError } from '../statistics/rows.js';
import { checkMapping, suggestMapping, type DatasetKind, type Mapping } from './kinds.js';
import { validateRows } from './validate.js';

// One dataset import, start to end, the way complaint statistics imports its
// files (same reader, same tracker, same all-or-nothing rule): parse, map the
// columns, validate every row, then reject (row errors, nothing stored),
// report a dry run, or store every row in ONE transaction, in chunks, with
// progress kept in this process's memory. Re-importing is safe: rows are keyed
// by their id (or a hash of their values) within the dataset.

export { ImportTracker };

export interface DatasetImportRequest {
  kind: DatasetKind;
  datasetName: string;
  format: ImportFormat;
  filename: string;
  data: Uint8Array;
  /** header → field; the suggestion when left out. */
  mapping?: Mapping;
  dryRun: boolean;
}

export interface DatasetImportView extends repo.DatasetImport {
  progress: Progress;
}

export function view(rec: repo.DatasetImport, tracker: ImportTracker): DatasetImportView {
  const live = rec.status === 'running' ? tracker.get(rec.id) : undefined;
  return { ...rec, progress: live ?? { phase: rec.status === 'running' ? 'storing' : 'done', processed: rec.processedRows, total: rec.totalRows } };
}

export interface Preview {
  headers: string[];
  totalRows: number;
  suggestion: Mapping;
  problems: ReturnType<typeof checkMapping>;
  /** The first rows as read (every cell redacted: a preview is shown on screen). */
  sample: { row: number; values: Record<string, string> }[];
}

/** Reads a file and suggests its mapping; stores nothing. */
export async function previewFile(kind: DatasetKind, format: ImportFormat, data: Uint8Array): Promise<Preview> {
  const table = await parseFile(format, data);
  const suggestion = suggestMapping(kind, table.headers);
  return {
    headers: table.headers, totalRows: table.rows.length, suggestion, problems: checkMapping(kind, table.headers, suggestion),
    sample: table.rows.slice(0, 5).map((r) => ({ row: r.row, values: Object.fromEntries(Object.entries(r.values).map(([k, v]) => [k, redact(text(v)).text])) })),
  };
}

export interface StartResult {
  record: repo.DatasetImport;
  work?: Promise<void>;
}

/**
 * Validates and (unless a dry run) starts storing. Throws 400 `invalid_file`
 * (unreadable), `invalid_mapping` (a required field unmapped…) or
 * `import_invalid` with the row errors; each attempt is logged and audited and
 * no row is stored.
 */
export async function startDatasetImport(db: Db, tracker: ImportTracker, actor: Actor, req: DatasetImportRequest, tz: string): Promise<StartResult> {
  const id = newId();
  const existing = await repo.findDataset(db, req.kind, req.datasetName);
  const base = {
    id, kind: req.kind, datasetId: existing?.id ?? null, datasetName: req.datasetName, format: req.format, filename: req.filename, dryRun: req.dryRun,
    processedRows: 0, inserted: 0, updated: 0, unchanged: 0, createdBy: actor.name, firstDay: null, lastDay: null,
  };
  const reject = async (totalRows: number, mapping: Mapping, errors: RowError[], errorCount: number, message: string) => {
    await db.tx(async (q) => {
      await repo.insertImport(q, { ...base, mapping, status: 'rejected', totalRows, errorCount, errors: errors.slice(0, MAX_REPORTED_ERRORS), message });
      await audit.appendAudit(q, actor, 'datasets.import_rejected', { type: 'dataset_import', id }, { kind: req.kind, dataset: req.datasetName, filename: req.filename, rows: totalRows, errors: errorCount });
    });
  };

  let table: Table;
  try {
    table = await parseFile(req.format, req.data);
  } catch (err) {
    await reject(0, req.mapping ?? {}, [], 0, (err as Error).message);
    throw Object.assign(err as Error, { details: { ...((err as { details?: object }).details ?? {}), importId: id } });
  }
  const mapping = req.mapping ?? suggestMapping(req.kind, table.headers);
  const total = table.rows.length;
  const problems = checkMapping(req.kind, table.headers, mapping);
  if (problems.length > 0) {
    const errors = problems.map((p) => ({ row: 1, field: p.field, code: p.code, message: p.message }));
    await reject(total, mapping, errors, errors.length, 'The column mapping is incomplete; nothing was stored');
    throw badRequest('invalid_mapping', `The column mapping has ${problems.length} problem(s); nothing was stored`, { importId: id, totalRows: total, errorCount: errors.length, errors, mapping });
  }
  tracker.set(id, { phase: 'validating', processed: 0, total });
  const today = dayOf(new Date(), tz);
  const checked = validateRows(req.kind, table, mapping, tz, today, (n) => tracker.set(id, { phase: 'validating', processed: n, total }));
  if (checked.errorCount > 0) {
    tracker.set(id, { phase: 'done', processed: total, total });
    await reject(total, mapping, checked.errors, checked.errorCount, `${checked.errorCount} error(s) in ${total} row(s); nothing was stored`);
    throw badRequest('import_invalid', `The file has ${checked.errorCount} error(s); nothing was stored`, {
      importId: id, totalRows: total, errorCount: checked.errorCount, errors: checked.errors.slice(0, MAX_REPORTED_ERRORS),
    });
  }
  const covered = { firstDay: checked.firstDay, lastDay: checked.lastDay };
  if (req.dryRun) {
    tracker.set(id, { phase: 'done', processed: total, total });
    const record = await db.tx(async (q) => {
      const r = await repo.insertImport(q, { ...base, ...covered, mapping, status: 'validated', totalRows: total, processedRows: total, errorCount: 0, errors: [], message: 'Dry run: every row is valid; nothing was stored' });
      await audit.appendAudit(q, actor, 'datasets.import_validated', { type: 'dataset_import', id }, { kind: req.kind, dataset: req.datasetName, filename: req.filename, rows: total });
      return r;
    });
    return { record };
  }
  const record = await repo.insertImport(db, { ...base, ...covered, mapping, status: 'running', totalRows: total, errorCount: 0, errors: [], message: null });
  tracker.set(id, { phase: 'storing', processed: 0, total });
  const work = store(db, tracker, actor, req, id, checked.values, total);
  tracker.track(id, work);
  return { record, work };
}

async function store(db: Db, tracker: ImportTracker, actor: Actor, req: DatasetImportRequest, id: string, values: ReturnType<typeof validateRows>['values'], total: number): Promise<void> {
  const counts = { inserted: 0, updated: 0, unchanged: 0 };
  try {
    await db.tx(async (q) => {
      const ds = await repo.ensureDataset(q, { id: newId(), kind: req.kind, name: req.datasetName, by: actor.name });
      for (let i = 0; i < values.length; i += CHUNK_ROWS) {
        const c = await repo.upsertRows(q, ds.id, req.kind, values.slice(i, i + CHUNK_ROWS), id);
        counts.inserted += c.inserted;
        counts.updated += c.updated;
        counts.unchanged += c.unchanged;
        tracker.set(id, { phase: 'storing', processed: Math.min(values.length, i + CHUNK_ROWS), total });
        // Let progress polls in between chunks.
        await new Promise((r) => setImmediate(r));
      }
      await repo.finishImport(q, id, { status: 'completed', datasetId: ds.id, processedRows: total, ...counts, message: null });
      if (ds.created) await audit.appendAudit(q, actor, 'datasets.created', { type: 'dataset', id: ds.id }, { kind: req.kind, name: req.datasetName });
      await audit.appendAudit(q, actor, 'datasets.import', { type: 'dataset_import', id }, {
        kind: req.kind, dataset: req.datasetName, datasetId: ds.id, filename: req.filename, rows: total, ...counts,
      });
    });
  } catch (err) {
    await repo.finishImport(db, id, { status: 'failed', processedRows: 0, inserted: 0, updated: 0, unchanged: 0, message: (err as Error).message }).catch(() => undefined);
  }
}
