/**
 * Schemas shared by many routes: the names of the layout (their rules stay in src/core/names.ts and
 * session.ts, which the layout uses too), integers in canonical decimal, flags, RFC 3339 times, and
 * the error body of the contract.
 */
import { clusterIdName, clusterName, fileName, namespaceName, nodeName } from '../core/names.js';
import { parseSession } from '../core/session.js';
import { HttpError } from '../core/errors.js';
import { parseRfc3339Nanos } from '../core/query/timestamp.js';
import { z } from './zod.js';

/**
 * Stands for the parameter's name in messages of validators run inside a schema (a schema does not
 * know where it sits); the request parser replaces it with the field's path (`offset`, `chunks[3].file`).
 */
export const FIELD = '{field}';

/** A string schema checked by one of the layout's validators (which throw `invalid_parameter`). */
export function validated(validate: (value: string, field: string) => unknown) {
  return z.string().superRefine((value, ctx) => {
    try {
      validate(value, FIELD);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      ctx.addIssue({ code: 'custom', message: err.message });
    }
  });
}

export const Namespace = validated(namespaceName).openapi({
  description: 'Kubernetes namespace (DNS-1123 label, at most 63)',
  example: 'default',
});
export const Cluster = validated(clusterName).openapi({
  description: 'RayCluster name (DNS-1123 subdomain, at most 253)',
  example: 'raycluster-kuberay',
});
export const ClusterId = validated(clusterIdName).openapi({
  description: '[A-Za-z0-9._-]{1,64}, not "." or ".."; defaults to the namespace',
  example: 'default',
});
export const Session = validated((v, f) => parseSession(v, f)).openapi({
  description: 'Ray session id session_YYYY-MM-DD_HH-MM-SS_ffffff[_N] (a real UTC time)',
  example: 'session_2026-01-27_10-52-59_373533_1',
});
export const Node = validated(nodeName).openapi({
  description: 'node name: [A-Za-z0-9._-]{1,128}, not "." or ".." (the collector uses the pod name)',
  example: 'raycluster-kuberay-head-x7b2k',
});
export const FilePath = validated(fileName).openapi({
  description:
    'relative path, "/"-separated, 1-512 bytes of UTF-8, no empty/"."/".." segment, "\\", "%" or control character',
  example: 'raylet.out',
});

const CANONICAL_INT = /^(0|-?[1-9]\d*)$/;

/**
 * An integer query parameter in canonical decimal (no sign on zero, no leading zeros, no `+`) within
 * [min, max]; `01` and `-0` are refused, so one number has one spelling.
 */
export function intQuery(min: number, max: number, description: string) {
  return z
    .string()
    .superRefine((raw, ctx) => {
      const n = Number(raw);
      if (!CANONICAL_INT.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
        ctx.addIssue({
          code: 'custom',
          message: `${FIELD} must be an integer from ${min} to ${max} in plain decimal (got ${JSON.stringify(raw.slice(0, 40))})`,
        });
      }
    })
    .transform(Number)
    .openapi({ type: 'integer', minimum: min, maximum: max, description });
}

/** A yes/no query flag: `1`/`true`/`0`/`false`; absent is false. */
export function flagQuery(description: string) {
  return z
    .enum(['1', 'true', '0', 'false'], { message: `${FIELD} must be 1, true, 0 or false` })
    .transform((v) => v === '1' || v === 'true')
    .openapi({ description });
}

/** An RFC 3339 time naming a real instant (the one check ingest and query share), as nanoseconds since the epoch. */
export const Rfc3339 = z
  .string()
  .transform((value, ctx) => {
    const nanos = parseRfc3339Nanos(value);
    if (nanos === null) {
      ctx.addIssue({
        code: 'custom',
        message: `${FIELD} must be an RFC 3339 time such as 2026-01-27T10:52:59.123456789Z`,
      });
      return z.NEVER;
    }
    return nanos;
  })
  .openapi({ type: 'string', format: 'date-time', description: 'RFC 3339 time (nanoseconds kept)' });

/** `/api/v1/clusters/{namespace}/{cluster}/sessions/{session}` and the optional `?clusterId=`. */
export const SessionParams = z.object({ namespace: Namespace, cluster: Cluster, session: Session });
export const ClusterIdQuery = z.object({
  clusterId: ClusterId.optional().openapi({
    description: "clusterId; default: the one in the session's metadata.json, else the namespace",
  }),
});

/** The error body of every 4xx/5xx answer. */
export const ErrorBody = z
  .object({
    error: z.string().openapi({ description: 'a stable code, e.g. invalid_parameter, offset_gap' }),
    message: z.string().openapi({ description: 'what and why' }),
    field: z.string().optional().openapi({ description: 'the parameter at fault (invalid_parameter)' }),
    expectedOffset: z.number().int().optional().openapi({ description: 'offset_gap / offset_conflict' }),
    setting: z.string().optional().openapi({ description: 'the setting at fault (misconfigured)' }),
  })
  .passthrough()
  .openapi('Error');
export type ErrorBody = z.infer<typeof ErrorBody>;
