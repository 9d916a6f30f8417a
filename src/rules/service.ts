import { badRequest, notFound } from '../core/errors.js';
import type { Hit, Speaker } from '../core/types.js';
import { backtest, compileRuleSet, loadDefaultRuleSet, testSentence, type BacktestItem, type BacktestReport, type RadarEngine } from '../detect/index.js';
import type { DetectionEngine } from '../detect/types.js';
import type { Actor } from '../store/audit.js';
import * as audit from '../store/audit.js';
import type { Db } from '../store/db.js';
import * as calls from '../store/calls.js';
import * as ruleSets from '../store/rule-sets.js';

// The rule-set lifecycle: which version is live, publishing a new one (validated,
// stored, hot-swapped into the running pipeline), rolling back, and trying a
// sentence against the live or a draft rule set. Until someone publishes, the
// bundled default dictionary is live (reported as `bundled: true`).

export interface LiveRuleSet {
  version: number;
  doc: Record<string, unknown>;
  engine: RadarEngine;
  publishedAt: string | null;
  publishedBy: string | null;
  note: string;
  bundled: boolean;
}

export interface RuleService {
  live(): LiveRuleSet;
  /** Compiles a draft; throws RadarError 400 invalid_rule_set with details on problems. */
  compile(doc: unknown): RadarEngine;
  test(text: string, speaker: Speaker, doc?: unknown): Hit[];
  publish(doc: unknown, note: string, actor: Actor): Promise<LiveRuleSet>;
  rollback(version: number, actor: Actor): Promise<LiveRuleSet>;
  versions(): Promise<Omit<ruleSets.StoredRuleSet, 'doc'>[]>;
  /** Picks up a version another process published (several nodes, one database). */
  refresh(): Promise<boolean>;
}

export async function createRuleService(db: Db, onSwap: (engine: DetectionEngine) => void): Promise<RuleService> {
  let live = await loadLive(db);
  onSwap(live.engine);

  async function store(doc: Record<string, unknown>, note: string, actor: Actor, restores: number | null): Promise<LiveRuleSet> {
    const stored = await db.tx(async (q) => {
      await q.query('LOCK TABLE rule_sets IN EXCLUSIVE MODE');
      const next = Math.max(await ruleSets.maxRuleSetVersion(q), live.bundled ? live.version : 0) + 1;
      const versioned = { ...doc, version: next };
      const engine = compileRuleSet(versioned); // validate before anything is stored
      const row = await ruleSets.insertRuleSet(q, { version: next, doc: versioned, ruleCount: engine.ruleCount, note, publishedBy: actor.name, restoresVersion: restores });
      await audit.appendAudit(q, actor, restores === null ? 'rules.published' : 'rules.rolled_back', { type: 'rule_set', id: String(next) },
        { note, ruleCount: engine.ruleCount, ...(restores !== null ? { restores } : {}) });
      return { row, engine };
    });
    live = {
      version: stored.row.version, doc: stored.row.doc as Record<string, unknown>, engine: stored.engine,
      publishedAt: stored.row.publishedAt, publishedBy: stored.row.publishedBy, note: stored.row.note, bundled: false,
    };
    onSwap(live.engine);
    return live;
  }

  return {
    live: () => live,
    compile: (doc) => compileRuleSet(doc),
    test: (text, speaker, doc) => testSentence(doc === undefined ? live.engine : compileRuleSet(doc), text, { speaker }),
    async publish(doc, note, actor) {
      if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw badRequest('invalid_rule_set', 'The rule set must be an object');
      return store(doc as Record<string, unknown>, note, actor, null);
    },
    async rollback(version, actor) {
      const old = await ruleSets.getRuleSet(db, version);
      if (!old) throw notFound('rule_set_not_found', `No published rule-set version ${version}`);
      return store(old.doc as Record<string, unknown>, `rollback to version ${version}`, actor, version);
    },
    versions: () => ruleSets.listRuleSets(db),
    async refresh() {
      const latest = await ruleSets.maxRuleSetVersion(db);
      if (latest === 0 || (!live.bundled && latest === live.version)) return false;
      live = await loadLive(db);
      onSwap(live.engine);
      return true;
    },
  };
}

async function loadLive(db: Db): Promise<LiveRuleSet> {
  const stored = await ruleSets.latestRuleSet(db);
  if (stored) {
    return {
      version: stored.version, doc: stored.doc as Record<string, unknown>, engine: compileRuleSet(stored.doc),
      publishedAt: stored.publishedAt, publishedBy: stored.publishedBy, note: stored.note, bundled: false,
    };
  }
  const doc = loadDefaultRuleSet() as unknown as Record<string, unknown>;
  const engine = compileRuleSet(doc);
  return { version: engine.version, doc, engine, publishedAt: null, publishedBy: null, note: 'bundled default dictionary', bundled: true };
}

/** Runs a draft rule set against stored utterances of a period, next to the live one. */
export async function backtestStored(
  db: Db,
  live: DetectionEngine,
  candidate: DetectionEngine,
  range: { from: string; to: string },
  onProgress?: (utterances: number) => void,
): Promise<BacktestReport> {
  async function* source(): AsyncGenerator<BacktestItem> {
    for await (const row of calls.streamUtterances(db, range)) {
      const u = row.utterance;
      yield {
        utterance: { id: u.id, callId: u.callId, speaker: u.speaker, startMs: u.startMs, endMs: u.endMs, text: u.text, final: true },
        call: { callId: row.call.id, customerId: row.call.customerId, startedAt: row.call.startedAt },
      };
    }
  }
  return backtest({ live, candidate, source: source(), onProgress, progressEvery: 50_000 });
}
