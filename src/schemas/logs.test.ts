import { describe, expect, it } from 'vitest';
import { HttpError } from '../core/errors.js';
import { ClusterStatusQuery, EventTableQuery, LogFileQuery, NodeLogsQuery, SearchQuery } from './logs.js';
import { parseOr400 } from './parse.js';

function fieldOf(
  schema: Parameters<typeof parseOr400>[0],
  input: Record<string, string>,
): string | undefined {
  try {
    parseOr400(schema, input);
  } catch (err) {
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(400);
    expect((err as HttpError).code).toBe('invalid_parameter');
    expect((err as HttpError).message).not.toContain('{field}');
    return (err as HttpError).extra.field as string;
  }
  return undefined;
}

describe('logs route schemas', () => {
  it("parses Ray's parameters with Ray's defaults", () => {
    expect(parseOr400(LogFileQuery, { node_id: 'head-1', filename: 'raylet.out' })).toEqual({
      node_id: 'head-1',
      filename: 'raylet.out',
      attempt_number: 0,
      suffix: 'out',
      lines: 1000,
      format: 'text',
    });
    expect(
      parseOr400(LogFileQuery, {
        task_id: 'AB12',
        attempt_number: '2',
        suffix: 'err',
        lines: '-1',
        filter_ansi_code: 'true',
        download_filename: 'task.log',
        format: 'leading_1',
      }),
    ).toMatchObject({ task_id: 'ab12', attempt_number: 2, suffix: 'err', lines: -1, filter_ansi_code: true });
    expect(parseOr400(NodeLogsQuery, { node_ip: '10.0.0.1' })).toEqual({
      node_ip: '10.0.0.1',
      limit: 10_000,
    });
    expect(parseOr400(EventTableQuery, { job_id: 'global' })).toEqual({ job_id: 'global', limit: 10_000 });
    expect(parseOr400(SearchQuery, { q: '(a+)+$', regex: 'true' })).toEqual({
      q: '(a+)+$',
      regex: true,
      limit: 100,
    });
    expect(parseOr400(ClusterStatusQuery, { format: '1' })).toEqual({ format: '1' });
  });

  it('names the field of every bad value: traversal, absurd lines, bad regex, missing selectors', () => {
    const cases: [Parameters<typeof parseOr400>[0], Record<string, string>, string][] = [
      [NodeLogsQuery, { node_id: 'h', glob: '../*' }, 'glob'],
      [NodeLogsQuery, { node_id: 'h', glob: '/etc/*' }, 'glob'],
      [NodeLogsQuery, { node_id: '..' }, 'node_id'],
      [NodeLogsQuery, {}, 'node_id'],
      [NodeLogsQuery, { node_id: 'h', limit: '0' }, 'limit'],
      [LogFileQuery, { node_id: 'h', filename: '../../x' }, 'filename'],
      [LogFileQuery, { node_id: 'h', filename: '/etc/passwd' }, 'filename'],
      [LogFileQuery, { node_id: 'h', filename: 'a', lines: '-2' }, 'lines'],
      [LogFileQuery, { node_id: 'h', filename: 'a', lines: '1e20' }, 'lines'],
      [LogFileQuery, { node_id: 'h', filename: 'a', lines: '99999999999999999999' }, 'lines'],
      [LogFileQuery, { node_id: 'h', filename: 'a', suffix: 'log' }, 'suffix'],
      [LogFileQuery, { node_id: 'h', filename: 'a', format: 'json' }, 'format'],
      [LogFileQuery, { node_id: 'h', filename: 'a', filter_ansi_code: 'yes' }, 'filter_ansi_code'],
      [LogFileQuery, { node_id: 'h', filename: 'a', download_filename: '../x' }, 'download_filename'],
      [LogFileQuery, { node_id: 'h' }, 'filename'],
      [LogFileQuery, { filename: 'raylet.out' }, 'node_id'],
      [LogFileQuery, { pid: '12' }, 'node_id'],
      [LogFileQuery, { task_id: 'not-hex' }, 'task_id'],
      [LogFileQuery, { node_id: 'h', pid: '-1' }, 'pid'],
      [EventTableQuery, { job_id: '../x' }, 'job_id'],
      [EventTableQuery, { limit: '10001' }, 'limit'],
      [ClusterStatusQuery, { format: '2' }, 'format'],
      [SearchQuery, {}, 'q'],
      [SearchQuery, { q: '' }, 'q'],
      [SearchQuery, { q: '(unclosed', regex: 'true' }, 'q'],
      [SearchQuery, { q: 'x', glob: '../*' }, 'glob'],
      [SearchQuery, { q: 'x', node: '../n' }, 'node'],
      [SearchQuery, { q: 'x', limit: '1001' }, 'limit'],
      [SearchQuery, { q: 'x', ignoreCase: 'maybe' }, 'ignoreCase'],
    ];
    for (const [schema, input, field] of cases)
      expect(fieldOf(schema, input), JSON.stringify(input)).toBe(field);
  });
});
