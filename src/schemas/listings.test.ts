import { describe, expect, expectTypeOf, it } from 'vitest';
import type { clusterSessions, clustersV1 } from '../core/index/read.js';
import type { FileListing as ServedListing } from '../core/query/listFiles.js';
import {
  ClusterListSchema,
  FileListingSchema,
  type ClusterList,
  type FileListing,
  type SessionList,
} from './listings.js';

describe('listing schemas', () => {
  it('declare exactly what the server returns (checked by tsc)', () => {
    expectTypeOf<Awaited<ReturnType<typeof clustersV1>>>().toEqualTypeOf<ClusterList>();
    expectTypeOf<Awaited<ReturnType<typeof clusterSessions>>>().toEqualTypeOf<SessionList>();
    expectTypeOf<ServedListing>().toEqualTypeOf<FileListing>();
  });

  it('reject a body of another shape, naming the field', () => {
    const bad = ClusterListSchema.safeParse({ clusters: [{ namespace: 'a', name: 'b', sessions: '1' }] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toContain('clusters.0.sessions');
    expect(FileListingSchema.safeParse({ entries: [{ path: 'logs/', type: 'dir' }] }).success).toBe(true);
  });
});
