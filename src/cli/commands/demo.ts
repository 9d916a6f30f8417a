import { parseArgs } from 'node:util';
import { httpDemoApi, type DemoApi } from '../../demo/api.js';
import { seedAnalysisDemo } from '../../demo/analysis.js';
import { DEMO_CALLS } from '../../demo/calls.js';
import { seedInspectionDemo } from '../../demo/inspections.js';
import { seedPanelDemo } from '../../demo/panel.js';
import { replayDemo } from '../../demo/replay.js';
import { seedStatisticsDemo } from '../../demo/statistics.js';
import { seedSurveyDemo } from '../../demo/surveys.js';
import { seedVosDemo } from '../../demo/vos.js';
import { UsageError, type Command } from '../command.js';

const demo: Command = {
  name: 'demo',
  summary: 'fill a running server with demo data (statistics, combined analysis, evaluation, panel, self-inspection, voice of customer) and replay bundled Korean calls in real time',
  usage: 'radar demo [--url http://127.0.0.1:8080] [--token TOKEN | env RADAR_TOKEN / RADAR_ADMIN_TOKEN] [--speed 1] [--partials] [--only KEY] [--no-data] [--data-only]',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        url: { type: 'string', default: process.env.RADAR_URL ?? `http://127.0.0.1:${process.env.PORT ?? 8080}` },
        token: { type: 'string', default: process.env.RADAR_TOKEN ?? process.env.RADAR_ADMIN_TOKEN },
        speed: { type: 'string', default: '1' },
        partials: { type: 'boolean', default: false },
        only: { type: 'string' },
        'no-data': { type: 'boolean', default: false },
        'data-only': { type: 'boolean', default: false },
      },
    });
    if (!values.token) throw new UsageError('an API token is needed: --token, RADAR_TOKEN, or the RADAR_ADMIN_TOKEN the server was started with');
    const speed = Number(values.speed);
    if (!(speed > 0)) throw new UsageError('--speed must be a positive number');
    const calls = values.only ? DEMO_CALLS.filter((c) => c.key === values.only) : DEMO_CALLS;
    if (calls.length === 0) throw new UsageError(`no demo call '${values.only}'; keys: ${DEMO_CALLS.map((c) => c.key).join(', ')}`);
    if (values['no-data'] && values['data-only']) throw new UsageError('--no-data and --data-only exclude each other');
    const baseUrl = values.url!.replace(/\/$/, '');
    if (!values['no-data']) await seedScreens(httpDemoApi(baseUrl, values.token));
    if (values['data-only']) return 0;
    console.log(`Replaying ${calls.length} calls into ${values.url} at ${speed}× speed — watch the console's alert board.\n`);
    const results = await replayDemo(calls, {
      baseUrl, token: values.token, speed, partials: values.partials,
      runId: Date.now().toString(36), log: (l) => console.log(l),
    });
    console.log('\nResult:');
    let ok = true;
    for (const r of results) {
      const got = r.alerts.length > 0;
      const mark = got === r.expectAlert ? '✓' : '✗';
      if (got !== r.expectAlert) ok = false;
      const what = got ? r.alerts.map((a) => `${a.category} "${a.match}"`).join(', ') : 'no alert';
      console.log(`  ${mark} ${r.key.padEnd(28)} ${what}`);
    }
    return ok ? 0 : 1;
  },
};
/** The analysis screens' demo data; each seeder is idempotent, so running the demo again adds nothing. */
async function seedScreens(api: DemoApi): Promise<void> {
  console.log('Demo data for the analysis screens:');
  const s = await seedStatisticsDemo(api, { companyName: process.env.RADAR_COMPANY_NAME });
  console.log(`  민원 통계 (complaint statistics): records, customer base, peer figures, monitoring volume up to ${s.period}`);
  const v = await seedSurveyDemo(api);
  console.log(`  고객 평가 (CSAT/NPS/CES): ${v.responses} responses (${v.created} new), ${v.benchmarks} benchmarks`);
  const i = await seedInspectionDemo(api);
  console.log(`  자율 점검 (self-inspection): ${i.rounds} rounds (${i.skipped} already there), ${i.findings} findings`);
  const a = await seedAnalysisDemo(api);
  console.log(`  통합 분석 (combined analysis): ${a.consultations} consultations of ${a.year} with sales, campaigns and app events`);
  const p = await seedPanelDemo(api);
  console.log(`  고객 패널 (customer panel): ${p.members} members, ${p.campaigns} campaigns`);
  const b = await seedVosDemo(api);
  console.log(`  고객의 소리 (voice of customer): ${b.posts} posts, ${b.answered} answered, ${b.hidden} hidden, ${b.cases} turned into cases\n`);
}

export default demo;
