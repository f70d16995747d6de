import { describe, expect, it } from 'vitest';
import { parseEventLine } from './eventTable.js';
import { eventTableReply, logListingReply } from './replies.js';

describe("Ray's reply envelopes", () => {
  const a = parseEventLine(
    '{"event_id":"a","message":"one\\\\ntwo","custom_fields":{"job_id":"01000000","submission_id":"s"}}',
  );
  const b = parseEventLine('{"event_id":"b","host_name":"h","time_stamp":"2026-01-27 10:00:00.000000"}');

  it('groups the event table by job without job_id, and lists one job with it', () => {
    if (a === null || b === null) throw new Error('fixture lines must parse');
    expect(eventTableReply({ events: [a, b] })).toEqual({
      result: true,
      msg: 'All events fetched.',
      data: {
        events: {
          '01000000': [
            { eventId: 'a', message: 'one\ntwo', customFields: { jobId: '01000000', submissionId: 's' } },
          ],
          global: [{ eventId: 'b', hostName: 'h', timeStamp: '2026-01-27 10:00:00.000000' }],
        },
      },
    });
    expect(eventTableReply({ events: [a], nextCursor: 'c' }, '01000000')).toMatchObject({
      msg: 'Job events fetched.',
      data: { jobId: '01000000', events: [{ eventId: 'a' }], nextCursor: 'c' },
    });
  });

  it('ignores lines that are not events', () => {
    expect(parseEventLine('not json')).toBeNull();
    expect(parseEventLine('{"message":"no id"}')).toBeNull();
    expect(parseEventLine('[1,2]')).toBeNull();
  });

  it("wraps a listing as Ray's api/v0/logs answer", () => {
    expect(logListingReply({ categories: { raylet: ['raylet.out'] }, count: 1 })).toEqual({
      result: true,
      msg: '',
      data: { result: { raylet: ['raylet.out'] } },
    });
  });
});
