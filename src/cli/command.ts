/** One `radar` sub-command. Each lives in its own file under cli/commands/. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}

/** Thrown for wrong usage; main prints the message and the command's usage. */
export class UsageError extends Error {}
