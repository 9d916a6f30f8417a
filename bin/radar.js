#!/usr/bin/env node
// The `radar` command. Runs the TypeScript sources through tsx so there is no
// separate build step to forget.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../src/cli/main.ts');
await main(process.argv.slice(2));
