/**
 * Validation of every name that goes into a blob name (docs/api.md "Names and validation"). Each
 * validator returns the name unchanged or throws `400 invalid_parameter` naming the field.
 */
import { invalidParameter } from './errors.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const ID_CHARS = /^[A-Za-z0-9._-]+$/;
// C0 controls, DEL and C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function describe(value: string): string {
  const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return JSON.stringify(shown);
}

/** A Kubernetes namespace: DNS-1123 label, at most 63 characters. */
export function namespaceName(value: string, field = 'namespace'): string {
  if (value.length > 63 || !DNS_LABEL.test(value)) {
    throw invalidParameter(
      field,
      `${field} ${describe(value)} is not a Kubernetes namespace (DNS-1123 label, at most 63)`,
    );
  }
  return value;
}

/** A Kubernetes resource name: DNS-1123 subdomain, at most 253 characters (never `_`). */
export function clusterName(value: string, field = 'cluster'): string {
  if (value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    throw invalidParameter(
      field,
      `${field} ${describe(value)} is not a Kubernetes resource name (DNS-1123 subdomain, at most 253)`,
    );
  }
  return value;
}

function idName(value: string, field: string, max: number): string {
  if (value.length < 1 || value.length > max || !ID_CHARS.test(value) || value === '.' || value === '..') {
    throw invalidParameter(
      field,
      `${field} ${describe(value)} must be 1-${max} of [A-Za-z0-9._-], not "." or ".."`,
    );
  }
  return value;
}

/** A cluster id: `[A-Za-z0-9._-]{1,64}`, not `.` or `..`. */
export function clusterIdName(value: string, field = 'clusterId'): string {
  return idName(value, field, 64);
}

/** A node name: `[A-Za-z0-9._-]{1,128}`, not `.` or `..`. */
export function nodeName(value: string, field = 'node'): string {
  return idName(value, field, 128);
}

/** A relative file path: `/`-separated, 1–512 bytes of UTF-8, no empty/`.`/`..` segment, `\`, `%` or control. */
export function fileName(value: string, field = 'file'): string {
  const bytes = Buffer.byteLength(value, 'utf8');
  const bad = (why: string) => invalidParameter(field, `${field} ${describe(value)} ${why}`);
  if (bytes < 1 || bytes > 512) throw bad(`must be 1-512 bytes of UTF-8 (is ${bytes})`);
  if (value.startsWith('/')) throw bad('must be relative (no leading "/")');
  if (value.includes('\\')) throw bad('must not contain "\\"');
  if (value.includes('%')) throw bad('must not contain "%" (names are percent-decoded exactly once)');
  if (CONTROL.test(value)) throw bad('must not contain control characters');
  if (value.includes('\uFFFD') || LONE_SURROGATE.test(value)) throw bad('must be valid UTF-8');
  for (const seg of value.split('/')) {
    if (seg === '' || seg === '.' || seg === '..') throw bad('must not have empty, "." or ".." segments');
  }
  return value;
}
