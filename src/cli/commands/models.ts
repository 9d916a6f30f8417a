import path from 'node:path';
import { parseArgs } from 'node:util';
import { ChecksumError, installArchive, MODELS, pullModel } from '../../audio/models.js';
import { loadConfig } from '../../core/config.js';
import { RadarError } from '../../core/errors.js';
import { UsageError, type Command } from '../command.js';

const models: Command = {
  name: 'models',
  summary: 'list or install STT models (radar models pull ko-streaming-zipformer)',
  usage:
    'radar models list\n' +
    '       radar models pull NAME [--dir DIR] [--sha256 HEX]          download, verify, unpack\n' +
    '       radar models pull NAME --file ARCHIVE [--dir DIR]          install an archive copied by hand\n' +
    'DIR defaults to $RADAR_DATA_DIR/models. Then set RADAR_STT_ENGINE=sherpa RADAR_STT_MODEL_DIR=<printed folder>.',
  async run(args) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { dir: { type: 'string' }, sha256: { type: 'string' }, file: { type: 'string' } } });
    const [verb, name] = positionals;
    if (verb === 'list' || !verb) {
      for (const m of Object.values(MODELS)) console.log(`${m.name}\t${m.description}\n\t${m.url}\n\tsha256 ${m.sha256}`);
      return 0;
    }
    if (verb !== 'pull') throw new UsageError(`unknown verb '${verb}'`);
    const spec = name ? MODELS[name] : undefined;
    if (!spec) throw new UsageError(`unknown model '${name ?? ''}'; known: ${Object.keys(MODELS).join(', ')}`);
    const dir = path.resolve(values.dir ?? path.join(loadConfig().dataDir, 'models'));
    try {
      const r = values.file
        ? await installArchive(spec, values.file, dir, undefined, values.sha256 ?? spec.sha256)
        : await pullModel(spec, dir, { expected: values.sha256, onProgress: progress() });
      console.log(`installed ${spec.name} in ${r.dir}\nsha256 ${r.sha256} (matches the pinned checksum)\n\nexport RADAR_STT_ENGINE=sherpa RADAR_STT_MODEL_DIR=${r.dir}`);
      return 0;
    } catch (err) {
      if (err instanceof ChecksumError) {
        console.error(`radar models: ${err.message}\nThe archive was not installed. If upstream re-published it, check the new value and pass --sha256 ${err.actual}.`);
        return 1;
      }
      if (err instanceof RadarError && err.code === 'download_failed') {
        console.error(
          `radar models: ${err.message}.\n` +
            `This machine cannot download the model. On a machine with internet access:\n` +
            `  curl -LO ${spec.url}\n  sha256sum ${path.basename(spec.url)}   # expect ${spec.sha256}\n` +
            `copy the archive here and run:\n  radar models pull ${spec.name} --file ${path.basename(spec.url)}${values.dir ? ` --dir ${values.dir}` : ''}`,
        );
        return 1;
      }
      throw err;
    }
  },
};

function progress(): (done: number, total: number | null) => void {
  let last = 0;
  return (done, total) => {
    if (!process.stderr.isTTY || Date.now() - last < 200) return;
    last = Date.now();
    const mb = (n: number) => (n / 1e6).toFixed(1);
    process.stderr.write(`\r${mb(done)} MB${total ? ` of ${mb(total)} MB (${((done / total) * 100).toFixed(0)}%)` : ''}   `);
  };
}

export default models;
