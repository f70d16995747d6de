import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { helpText, optionList, parseOptions, UsageError, type CollectorOptions } from './options.js';

const env = {
  RAY_HISTORY_ENDPOINT: 'http://127.0.0.1:7071',
  RAY_HISTORY_NAMESPACE: 'default',
  RAY_HISTORY_CLUSTER: 'rc',
  HOSTNAME: 'rc-head-x7b2k',
};

describe('collector options', () => {
  it('reads every option from the environment, with documented defaults', () => {
    const o = parseOptions([], env);
    expect(o).toMatchObject({
      endpoint: 'http://127.0.0.1:7071/api',
      key: '',
      namespace: 'default',
      cluster: 'rc',
      clusterId: 'default',
      node: 'rc-head-x7b2k',
      rayDir: '/tmp/ray',
      checkpointDir: '/tmp/ray/.history-collector',
      batchBytes: 1048576,
      concurrency: 4,
      intervalMs: 5000,
      once: false,
      retryTimeoutMs: 60_000,
      logFormat: 'auto',
    });
  });

  it('lets flags win over the environment', () => {
    const o = parseOptions(
      [
        '--endpoint=https://app.example/api/',
        '--key',
        'k1',
        '--cluster-id',
        'id-1',
        '--node',
        'n1',
        '--ray-dir',
        '/x',
        '--interval',
        '250ms',
        '--batch-bytes',
        '4096',
        '--once',
      ],
      { ...env, RAY_HISTORY_KEY: 'k0', RAY_HISTORY_ONCE: 'false' },
    );
    expect(o).toMatchObject({
      endpoint: 'https://app.example/api',
      key: 'k1',
      clusterId: 'id-1',
      node: 'n1',
      rayDir: '/x',
      checkpointDir: '/x/.history-collector',
      intervalMs: 250,
      batchBytes: 4096,
      once: true,
    });
  });

  it('answers --help (and -h) with every option, its environment variable and its default', () => {
    expect(parseOptions(['--help'], {})).toBe('help');
    expect(parseOptions(['-h'], {})).toBe('help');
    const lines = helpText().split('\n');
    for (const o of optionList()) {
      const line = lines.find((l) => l.trimStart().startsWith(`--${o.flag} `) || l.trim() === `--${o.flag}`);
      expect(line, `--${o.flag}`).toBeDefined();
      expect(line).toContain(o.env);
      expect(line).toContain(`(default: ${o.default})`);
    }
  });

  // Regression: --concurrency was documented but missing from the option table, so the flag was
  // rejected and RAY_HISTORY_CONCURRENCY ignored.
  it('takes --concurrency and RAY_HISTORY_CONCURRENCY, the flag winning', () => {
    expect(parseOptions(['--concurrency', '2'], env)).toMatchObject({ concurrency: 2 });
    expect(parseOptions([], { ...env, RAY_HISTORY_CONCURRENCY: '2' })).toMatchObject({ concurrency: 2 });
    expect(parseOptions(['--concurrency=7'], { ...env, RAY_HISTORY_CONCURRENCY: '2' })).toMatchObject({
      concurrency: 7,
    });
  });

  it('takes a boolean flag with an inline value, and an environment value', () => {
    expect(parseOptions(['--once=false'], { ...env, RAY_HISTORY_ONCE: 'true' })).toMatchObject({
      once: false,
    });
    expect(parseOptions([], { ...env, RAY_HISTORY_ONCE: 'yes' })).toMatchObject({ once: true });
  });

  it.each([
    [[], { ...env, RAY_HISTORY_ENDPOINT: '' }, /--endpoint \(or RAY_HISTORY_ENDPOINT\) is required/],
    [['--endpoint', 'ftp://x'], env, /--endpoint: must be http/],
    [['--endpoint', 'not a url'], env, /--endpoint: .* is not a URL/],
    [['--namespace', 'Bad_NS'], env, /--namespace: .*DNS-1123/],
    [['--node', '..'], env, /--node:/],
    [['--interval', 'soon'], env, /--interval: "soon" is not a duration/],
    [['--batch-bytes', '10'], env, /--batch-bytes: must be an integer/],
    [['--verbose'], env, /unknown option "--verbose"/],
    [['--key'], env, /--key needs a value/],
    [['--concurrency', '0'], env, /--concurrency: must be an integer from 1 to 32 \(got 0\)/],
    [[], { ...env, RAY_HISTORY_CONCURRENCY: '33' }, /--concurrency: must be an integer from 1 to 32/],
    [['--log-format', 'xml'], env, /--log-format: must be auto, text or json/],
    [['--once=maybe'], env, /--once: "maybe" is not a boolean/],
    [['-x'], env, /unknown option "-x"/],
    [['stray'], env, /unexpected argument "stray"/],
  ])('rejects %j with a message naming the option', (argv, e, message) => {
    expect(() => parseOptions(argv, e)).toThrow(UsageError);
    expect(() => parseOptions(argv, e)).toThrow(message);
  });
});

/** A value for every option that differs from its default, and what it parses to. */
const SAMPLES: Record<string, [string | undefined, Partial<CollectorOptions>]> = {
  endpoint: ['http://other.example:8080', { endpoint: 'http://other.example:8080/api' }],
  key: ['k9', { key: 'k9' }],
  namespace: ['ns-2', { namespace: 'ns-2', clusterId: 'ns-2' }],
  cluster: ['rc-2', { cluster: 'rc-2' }],
  'cluster-id': ['id-2', { clusterId: 'id-2' }],
  node: ['node-2', { node: 'node-2' }],
  'ray-dir': ['/r', { rayDir: '/r', checkpointDir: '/r/.history-collector' }],
  'batch-bytes': ['2048', { batchBytes: 2048 }],
  concurrency: ['2', { concurrency: 2 }],
  interval: ['2s', { intervalMs: 2000 }],
  'checkpoint-dir': ['/c', { checkpointDir: '/c' }],
  once: [undefined, { once: true }],
  'retry-timeout': ['3s', { retryTimeoutMs: 3000 }],
  'log-format': ['json', { logFormat: 'json' }],
};

/** The rows of the markdown table whose header starts with `header`, as trimmed cells. */
function tableRows(file: string, header: string): string[][] {
  const lines = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith(header));
  expect(start, `${file}: a table starting "${header}"`).toBeGreaterThan(-1);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  }
  return rows;
}

const code = (cell: string) => cell.replace(/`/g, '');

describe("the documented options are the table's options", () => {
  // README: | `--flag` / `ENV` | default |
  const readme = tableRows('README.md', '| option (flag / environment)').map(([option = '', dflt = '']) => {
    const m = /^`--([a-z-]+)` \/ `([A-Z_]+)`$/.exec(option);
    expect(m, `README row ${option}`).not.toBeNull();
    return { flag: m?.[1] ?? '', env: m?.[2] ?? '', default: code(dflt) };
  });
  // docs/collector.md: | `--flag` | `ENV` | default | meaning |
  const guide = tableRows('docs/collector.md', '| flag ').map(([flag = '', variable = '']) => ({
    flag: code(flag).replace(/^--/, ''),
    env: code(variable),
  }));

  it('README.md and docs/collector.md list exactly the options of the table, with their variables', () => {
    const table = optionList().map((o) => `--${o.flag} ${o.env}`);
    expect(readme.map((r) => `--${r.flag} ${r.env}`)).toEqual(table);
    expect(guide.map((r) => `--${r.flag} ${r.env}`)).toEqual(table);
  });

  it("README.md shows each option's default as the table (and --help) does", () => {
    expect(readme.map((r) => [r.flag, r.default])).toEqual(optionList().map((o) => [o.flag, o.default]));
  });

  it('accepts every option README.md documents, as a flag and as an environment variable', () => {
    for (const row of readme) {
      const sample = SAMPLES[row.flag];
      expect(sample, `a sample value for --${row.flag} in this test`).toBeDefined();
      const [value, parsed] = sample ?? [undefined, {}];
      const argv = value === undefined ? [`--${row.flag}`] : [`--${row.flag}`, value];
      expect(parseOptions(argv, env), `--${row.flag}`).toMatchObject(parsed);
      expect(parseOptions([], { ...env, [row.env]: value ?? 'true' }), row.env).toMatchObject(parsed);
    }
  });
});
