import type { Command } from './command.js';
import { UsageError } from './command.js';

// Commands load lazily so `radar detect` does not pay for the server's imports.
const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  serve: { summary: 'start the Radar server', load: async () => (await import('./commands/serve.js')).default },
  detect: { summary: 'detect risk expressions in JSON lines from stdin', load: async () => (await import('./commands/detect.js')).default },
  rules: { summary: 'check a rule set or test a sentence', load: async () => (await import('./commands/rules.js')).default },
  demo: { summary: 'replay bundled Korean calls into a running server', load: async () => (await import('./commands/demo.js')).default },
  transcribe: { summary: 'transcribe recorded calls (WAV/MP3/M4A/FLAC), print or post to a server', load: async () => (await import('./commands/transcribe.js')).default },
  vad: { summary: 'print the speech segments of recorded calls', load: async () => (await import('./commands/vad.js')).default },
  models: { summary: 'list or install STT models (models pull ko-streaming-zipformer)', load: async () => (await import('./commands/models.js')).default },
};

function help(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  const lines = Object.entries(commands).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`);
  return `Minwon Radar (민원 레이더)\n\nUsage: radar <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nradar <command> --help shows a command's options.`;
}

export async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return;
  }
  const entry = commands[name];
  if (!entry) {
    console.error(`radar: unknown command '${name}'\n\n${help()}`);
    process.exitCode = 2;
    return;
  }
  const cmd = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`${cmd.summary}\n\nUsage: ${cmd.usage}`);
    return;
  }
  try {
    process.exitCode = await cmd.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`radar ${name}: ${err.message}\nUsage: ${cmd.usage}`);
      process.exitCode = 2;
      return;
    }
    // Expected failures (unreachable server, bad file) read better without a stack.
    console.error(`radar ${name}: ${(err as Error).message}`);
    if (process.env.DEBUG) console.error(err);
    process.exitCode = 1;
  }
}
