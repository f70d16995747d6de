import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { portAnswers } from '../../src/host/azurite.js';
import { eventually } from '../helpers/storage.js';

const ROOT = path.resolve(__dirname, '..', '..');

describe('the Azurite launcher', () => {
  it('stops Azurite when the process that started it is killed without cleaning up', async () => {
    // A parent that starts Azurite, prints its ports and then waits to be killed.
    const script = `
      const { startAzurite } = require(${JSON.stringify(path.join(ROOT, 'dist', 'src', 'host', 'azurite.js'))});
      startAzurite().then((a) => { console.log(JSON.stringify({ blob: a.blobPort, queue: a.queuePort })); setInterval(() => {}, 1000); });
    `;
    const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    parent.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const ports = await eventually(
      () =>
        Promise.resolve(out.includes('}') ? (JSON.parse(out) as { blob: number; queue: number }) : undefined),
      30_000,
      'Azurite to start',
    );
    expect(await portAnswers(ports.blob)).toBe(true);
    expect(await portAnswers(ports.queue)).toBe(true);
    parent.kill('SIGKILL');
    await eventually(
      async () => (!(await portAnswers(ports.blob)) && !(await portAnswers(ports.queue)) ? true : undefined),
      15_000,
      'the orphaned Azurite to exit',
    );
  });
});
