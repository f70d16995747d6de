/**
 * Typed access to route and query parameters. Route values arrive percent-decoded once (by the
 * host); validators then reject anything left over (`%`, `/` outside `file`, dot segments).
 */
import type { HttpRequest } from '@azure/functions';
import { invalidParameter } from '../core/errors.js';

/** A route parameter passed through its validator; absent or empty → 400 naming it. */
export function routeParam(
  req: HttpRequest,
  name: string,
  validate: (value: string, field: string) => string,
): string {
  const value = req.params[name];
  if (value === undefined || value === '') throw invalidParameter(name, `${name} is required in the path`);
  return validate(value, name);
}

/** An optional query parameter (the first value when repeated), validated when present. */
export function queryParam(
  req: HttpRequest,
  name: string,
  validate?: (value: string, field: string) => string,
): string | undefined {
  const value = req.query.get(name);
  if (value === null) return undefined;
  return validate === undefined ? value : validate(value, name);
}

/** An integer query parameter within [min, max]; `fallback` when absent. */
export function intParam(
  req: HttpRequest,
  name: string,
  min: number,
  max: number,
  fallback?: number,
): number | undefined {
  const raw = req.query.get(name);
  if (raw === null) return fallback;
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(Number(raw)) || Number(raw) < min || Number(raw) > max) {
    throw invalidParameter(
      name,
      `${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(raw.slice(0, 40))})`,
    );
  }
  return Number(raw);
}
