import { parseArgs } from 'node:util';
import { DEMO_CALLS } from '../../demo/calls.js';
import { replayDemo } from '../../demo/replay.js';
import { UsageError, type Command } from '../command.js';

const demo: Command = {
  name: 'demo',
  summary: 'replay bundled Korean card-company calls into a running server, in real time',
  usage: 'radar demo [--url http://127.0.0.1:8080] [--token TOKEN | env RADAR_TOKEN / RADAR_ADMIN_TOKEN] [--speed 1] [--partials] [--only KEY]',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        url: { type: 'string', default: process.env.RADAR_URL ?? `http://127.0.0.1:${process.env.PORT ?? 8080}` },
        token: { type: 'string', default: process.env.RADAR_TOKEN ?? process.env.RADAR_ADMIN_TOKEN },
        speed: { type: 'string', default: '1' },
        partials: { type: 'boolean', default: false },
        only: { type: 'string' },
      },
    });
    if (!values.token) throw new UsageError('an API token is needed: --token, RADAR_TOKEN, or the RADAR_ADMIN_TOKEN the server was started with');
    const speed = Number(values.speed);
    if (!(speed > 0)) throw new UsageError('--speed must be a positive number');
    const calls = values.only ? DEMO_CALLS.filter((c) => c.key === values.only) : DEMO_CALLS;
    if (calls.length === 0) throw new UsageError(`no demo call '${values.only}'; keys: ${DEMO_CALLS.map((c) => c.key).join(', ')}`);
    console.log(`Replaying ${calls.length} calls into ${values.url} at ${speed}× speed — watch the console's alert board.\n`);
    const results = await replayDemo(calls, {
      baseUrl: values.url!.replace(/\/$/, ''), token: values.token, speed, partials: values.partials,
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
export default demo;
