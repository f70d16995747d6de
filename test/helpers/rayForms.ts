/**
 * The two forms of a Ray Dashboard path over HTTP (src/http/rayRoute.ts): the shareable one under
 * `…/sessions/{session}/ray/` (by id and as `latest`), and upstream's root path with the cookies
 * that `GET /enter_cluster/…` set. A test runs the same checks through each.
 */
import { expect } from 'vitest';
import { request, type Reply } from './http.js';

export interface RayForm {
  name: string;
  /** GETs a dashboard path (`api/v0/tasks?…`, no leading `/`) in this form. */
  get(path: string, headers?: Record<string, string>): Promise<Reply>;
}

/** The `name=value` pairs of an answer's Set-Cookie headers. */
export function setCookies(r: Reply): Record<string, string> {
  const pairs = (r.headers['set-cookie'] ?? []).map((c) => (c.split(';')[0] ?? '').split('='));
  return Object.fromEntries(pairs.map(([k, ...v]) => [k ?? '', v.join('=')]));
}

/** Enters a cluster (optionally a session) as the dashboard does; the Cookie header to send afterwards. */
export async function enterCluster(
  baseUrl: string,
  ns: string,
  cluster: string,
  session?: string,
): Promise<string> {
  const r = await request(
    baseUrl,
    `/enter_cluster/${ns}/raycluster/${cluster}${session === undefined ? '' : `/${session}`}`,
  );
  expect(r.status, r.text).toBe(200);
  const c = setCookies(r);
  return `cluster_name=${c.cluster_name}; cluster_namespace=${c.cluster_namespace}; session_name=${c.session_name}`;
}

/** The shareable form under a session's URL (`…/sessions/<id or latest>`). */
export function scopedForm(baseUrl: string, name: string, sessionPath: string): RayForm {
  return {
    name,
    get: (path, headers = {}) => request(baseUrl, `${sessionPath}/ray/${path}`, { headers }),
  };
}

/** The root form, with the cookies of an enter_cluster call. */
export function rootForm(baseUrl: string, name: string, cookie: string): RayForm {
  return {
    name,
    get: (path, headers = {}) => request(baseUrl, `/${path}`, { headers: { cookie, ...headers } }),
  };
}
