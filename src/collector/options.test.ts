import { describe, expect, it } from 'vitest';
import { helpText, parseOptions, UsageError } from './options.js';

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

  it('answers --help with every option and its environment variable', () => {
    expect(parseOptions(['--help'], {})).toBe('help');
    for (const name of [
      '--endpoint',
      'RAY_HISTORY_KEY',
      '--ray-dir',
      '--batch-bytes',
      '--interval',
      '--checkpoint-dir',
      '--once',
      'RAY_HISTORY_NODE',
    ]) {
      expect(helpText()).toContain(name);
    }
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
  ])('rejects %j with a message naming the option', (argv, e, message) => {
    expect(() => parseOptions(argv, e)).toThrow(UsageError);
    expect(() => parseOptions(argv, e)).toThrow(message);
  });
});
