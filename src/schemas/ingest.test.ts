import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRfc3339 } from '../core/query/timestamp.js';
import { RayEventIn, rayEventInTime } from './ingest.js';

/** Mostly a valid value, else one that a check rejects (or the key absent), so that each check decides often. */
function field<T>(valid: T[], invalid: fc.Arbitrary<unknown>) {
  return fc.oneof({ arbitrary: fc.constantFrom(...valid), weight: 3 }, { arbitrary: invalid, weight: 1 });
}

const eventIdArb = field(
  ['AAECAwQFBgcICQoLDA0ODxAREhMU', 'AgAAAA==', 'a_b-c', 'A'.repeat(256)],
  fc.oneof(
    fc.constantFrom('', 'not base64!', 'A'.repeat(257), 'AAA=A'),
    fc.string({ maxLength: 8 }),
    fc.integer(),
  ),
);
const eventTypeArb = field(['TASK_LIFECYCLE_EVENT', 'x'], fc.constantFrom('', 0, null, undefined));
const timestampArb = field(
  ['2026-01-27T10:53:00.123456789Z', '2026-01-27T10:53:00+01:00', '2024-02-29t23:59:59z'],
  fc.oneof(
    fc.constantFrom(
      '2026-02-30T10:53:00Z',
      '2026-01-27T24:00:00Z',
      '2026-01-27 10:53:00Z',
      '2026-01-27T10:53:00.1234567890Z',
      '2026-01-27T10:53:00+24:00',
      undefined,
    ),
    fc.string({ maxLength: 8 }),
  ),
);
const sessionArb = field(
  ['session_2026-01-27_10-52-59_373533_1', 'session_2026-01-27_10-52-59_373533'],
  fc.oneof(
    fc.constantFrom(
      'session_2026-02-30_10-52-59_373533_1',
      'session_1969-12-31_23-59-59_000000',
      'session_x',
      7,
    ),
    fc.string({ maxLength: 8 }),
  ),
);

describe('rayEventInTime', () => {
  it('agrees with the RayEventIn schema on every event, and gives its time (seed 1806)', () => {
    fc.assert(
      fc.property(
        fc.record({
          eventId: eventIdArb,
          eventType: eventTypeArb,
          timestamp: timestampArb,
          sessionName: sessionArb,
        }),
        fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
        (fields, extra) => {
          const event = { ...extra, ...fields } as Record<string, unknown>;
          const time = rayEventInTime(event);
          expect(time !== null).toBe(RayEventIn.safeParse(event).success);
          if (time !== null) expect(time).toEqual(parseRfc3339(fields.timestamp as string));
        },
      ),
      { seed: 1806, numRuns: 5000 },
    );
  });
});
