import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const radar = (args: string[], input = '') =>
  spawnSync(process.execPath, ['bin/radar.js', ...args], { input, encoding: 'utf8', cwd: process.cwd(), timeout: 60_000 });

describe('radar detect (CLI contract)', () => {
  it('writes one JSON line per input line with the documented hit fields', () => {
    const input = [
      { callId: 'c1', seq: 1, speaker: 'customer', text: '금감원에 민원 넣을 거예요' },
      { callId: 'c1', seq: 2, speaker: 'agent', text: '금감원 민원은 안내해 드릴게요' },
      { callId: 'c1', seq: 3, speaker: 'customer', text: '소송할 생각은 없고요' },
    ].map((l) => JSON.stringify(l)).join('\n');
    const r = radar(['detect'], `${input}\n`);
    expect(r.status).toBe(0);
    const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(out.map((o) => o.seq)).toEqual([1, 2, 3]);
    expect(out[0].callId).toBe('c1');
    const fss = out[0].hits.find((h: { ruleId: string }) => h.ruleId === 'external_authority.fss');
    expect(Object.keys(fss).sort()).toEqual(['category', 'end', 'match', 'negated', 'ruleId', 'severity', 'start'].sort());
    expect(fss).toMatchObject({ category: 'external_authority', severity: 5, start: 0, end: 3, match: '금감원', negated: false });
    expect(out[1].hits).toEqual([]);
    expect(out[2].hits[0]).toMatchObject({ ruleId: 'legal.lawsuit', negated: true });
  });

  it('names bad lines on stderr, keeps going and exits non-zero', () => {
    const r = radar(['detect'], 'not json\n{"callId":"c","seq":2,"speaker":"boss","text":"x"}\n{"callId":"c","seq":3,"speaker":"customer","text":"소송할 거예요"}\n');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/line 1: not valid JSON/);
    expect(r.stderr).toMatch(/line 2: "speaker" must be customer or agent/);
    const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(out).toHaveLength(1);
    expect(out[0].hits[0].ruleId).toBe('legal.lawsuit');
  });

  it('uses --rules FILE (JSON or YAML) and validates it with `radar rules check`', () => {
    const dir = mkdtempSync(join(tmpdir(), 'radar-rules-'));
    const json = join(dir, 'r.json');
    writeFileSync(json, JSON.stringify({ version: 3, rules: [{ id: 'x.pay', category: 'x', severity: 2, terms: ['결제일'] }] }));
    const r = radar(['detect', '--rules', json], '{"callId":"c","seq":1,"speaker":"customer","text":"결제일 바꿔 주세요"}\n');
    expect(JSON.parse(r.stdout).hits[0]).toMatchObject({ ruleId: 'x.pay', match: '결제일' });
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'version: 1\nrules:\n  - id: x\n    category: x\n    severity: 7\n    terms: [a]\n');
    const c = radar(['rules', 'check', bad]);
    expect(c.status).toBe(1);
    expect(c.stderr).toMatch(/\$\.rules\[0\]\.severity: must be an integer from 1 to 5/);
    expect(radar(['rules', 'check', 'src/detect/rules/default.yaml']).status).toBe(0);
  });
});
