import type { Command } from '../command.js';

const serve: Command = {
  name: 'serve',
  summary: 'start the Radar server',
  usage: 'radar serve',
  async run() {
    throw new Error('not yet wired');
  },
};
export default serve;
