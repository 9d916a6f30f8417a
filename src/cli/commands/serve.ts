import { loadConfig } from '../../core/config.js';
import { startServer } from '../../api/server.js';
import type { Command } from '../command.js';

const serve: Command = {
  name: 'serve',
  summary: 'start the Radar server (API, live alerts, console)',
  usage: 'radar serve   (configured by environment variables: see README "Configuration")',
  async run() {
    const config = loadConfig();
    const server = await startServer(config);
    const db = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`;
    const lines = [
      '',
      `  Minwon Radar (민원 레이더) is running at ${server.url}`,
      `  Console:  ${server.url}/          API docs: ${server.url}/docs`,
      `  Database: ${db}`,
    ];
    if (server.firstAdmin) {
      lines.push(
        `  First sign-in: user '${server.firstAdmin.username}', one-time password: ${server.firstAdmin.password}`,
        '  (you will be asked to choose a new password; this one is not shown again)',
      );
    } else {
      lines.push('  Sign in with your user; an administrator can create users in the console or via POST /api/users.');
    }
    if (config.adminToken) lines.push('  API: send "Authorization: Bearer $RADAR_ADMIN_TOKEN" (admin token from the environment).');
    lines.push('');
    console.log(lines.join('\n'));
    await new Promise<void>((resolve) => {
      const stop = async (signal: string) => {
        server.ctx.log.info({ signal }, 'shutting down');
        await server.close();
        resolve();
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
    });
    return 0;
  },
};
export default serve;
