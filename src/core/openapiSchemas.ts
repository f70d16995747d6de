/** Reusable parts of the OpenAPI document (src/core/openapi.ts): error responses and schemas. */

export type Obj = Record<string, unknown>;

export const str = (description: string, extra: Obj = {}): Obj => ({ type: 'string', description, ...extra });
export const int = (description: string, extra: Obj = {}): Obj => ({
  type: 'integer',
  description,
  ...extra,
});
export const ref = (name: string): Obj => ({ $ref: `#/components/schemas/${name}` });

export function jsonBody(description: string, schema: Obj): Obj {
  return { description, content: { 'application/json': { schema } } };
}

/** References to the shared error responses for these statuses. */
export const errors = (...codes: number[]): Obj =>
  Object.fromEntries(codes.map((c) => [String(c), { $ref: `#/components/responses/E${c}` }]));

const ERROR_TEXT: Record<number, string> = {
  400: 'bad name or parameter (invalid_parameter, with field) or body (invalid_body)',
  401: 'missing or wrong key',
  404: 'no such cluster, session or file (session_not_found, file_not_found, metadata_not_found)',
  409: 'offset rules (offset_gap, offset_conflict, with expectedOffset)',
  413: 'body too large',
  415: 'unsupported media type or encoding',
  416: 'range not satisfiable (Content-Range: bytes */size)',
  429: 'storage is throttling (Retry-After)',
  503: 'storage is unreachable (Retry-After); never reported as not found or empty',
};

/** The document's `components`. */
export function components(): Obj {
  const objectOf = (properties: Obj, required: string[] = []): Obj => ({
    type: 'object',
    properties,
    required,
  });
  return {
    securitySchemes: {
      functionKey: { type: 'apiKey', in: 'header', name: 'x-functions-key' },
      functionKeyQuery: { type: 'apiKey', in: 'query', name: 'code' },
    },
    responses: Object.fromEntries(
      Object.entries(ERROR_TEXT).map(([code, text]) => [`E${code}`, jsonBody(text, ref('Error'))]),
    ),
    schemas: {
      Error: objectOf(
        { error: str('code'), message: str('what and why'), field: str('the parameter at fault') },
        ['error', 'message'],
      ),
      KubeRayCluster: objectOf({
        name: str('cluster'),
        namespace: str('namespace'),
        sessionName: str('session id'),
        createTime: str('RFC 3339 UTC'),
        createTimeStamp: int('Unix seconds'),
        ownerKind: str('when known'),
        ownerName: str('when known'),
      }),
      Cluster: objectOf({
        namespace: str('namespace'),
        name: str('cluster'),
        clusterIds: { type: 'array', items: { type: 'string' } },
        sessions: int('number of sessions'),
        latestSession: str('newest session id'),
        lastActivity: str('RFC 3339 UTC'),
      }),
      SessionList: objectOf({
        namespace: str('namespace'),
        name: str('cluster'),
        sessions: { type: 'array', items: { type: 'object' } },
        nextCursor: str('absent on the last page'),
      }),
      FileListing: objectOf(
        {
          entries: {
            type: 'array',
            items: objectOf(
              {
                path: str('relative to the session; directories end with "/"'),
                type: str('file or dir', { enum: ['file', 'dir'] }),
                size: int('bytes (files)'),
                lastModified: str('RFC 3339 UTC (files)'),
                etag: str('as a read answers (files)'),
              },
              ['path', 'type'],
            ),
          },
          nextCursor: str('absent on the last page'),
        },
        ['entries'],
      ),
      RayEvent: objectOf({
        eventId: str('unique id'),
        eventType: str('type'),
        timestamp: str('RFC 3339'),
        sessionName: str('session id'),
      }),
      EventPage: objectOf(
        { events: { type: 'array', items: ref('RayEvent') }, nextCursor: str('absent on the last page') },
        ['events'],
      ),
      Metadata: objectOf({
        namespace: str('namespace'),
        cluster: str('cluster'),
        clusterId: str('clusterId'),
        session: str('session id'),
        createTime: str('YYYY-MM-DDTHH:MM:SSZ'),
        createTimeStamp: int('Unix seconds'),
      }),
      AppendResult: objectOf({
        status: str('appended or duplicate'),
        offset: int('as requested'),
        nextOffset: int('stored length'),
      }),
      EventsResult: objectOf({
        accepted: int('stored'),
        duplicates: int('already stored'),
        rejected: int('malformed'),
        errors: { type: 'array', items: { type: 'object' } },
      }),
      Batch: objectOf(
        {
          namespace: str('namespace'),
          cluster: str('cluster'),
          clusterId: str('clusterId'),
          session: str('session id'),
          node: str('node'),
          chunks: {
            type: 'array',
            items: objectOf({
              file: str('file'),
              offset: int('offset'),
              data: str('text or base64'),
              encoding: str('base64'),
            }),
          },
          events: { type: 'array', items: ref('RayEvent') },
          metadata: { type: 'object' },
        },
        ['namespace', 'cluster', 'session', 'node'],
      ),
    },
  };
}
