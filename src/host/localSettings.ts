/**
 * local.settings.json, applied as Core Tools applies it: each "Values" entry becomes an environment
 * variable unless that variable is already set, "ConnectionStrings" become `ConnectionStrings:<name>`,
 * and "Host" carries the port and CORS settings.
 */
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CorsSettings } from './server.js';

export class SettingsError extends Error {}

export interface LocalSettings {
  file: string | undefined;
  port: number | undefined;
  cors: CorsSettings;
  /** Messages to print (skipped values, a file created from the example). */
  notes: string[];
}

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Parses and validates the file's text; throws SettingsError with a clear message. */
export function parseLocalSettings(file: string, text: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new SettingsError(`${file} is not valid JSON (${(err as Error).message}). Fix it or delete it.`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new SettingsError(`${file} must hold a JSON object with "Values" (and optionally "Host").`);
  }
  const settings = raw as Record<string, unknown>;
  if (settings.IsEncrypted === true) {
    throw new SettingsError(
      `${file} has "IsEncrypted": true. The local host cannot decrypt it: run "func settings decrypt", ` +
        `or set "IsEncrypted": false with plain values.`,
    );
  }
  for (const [k, v] of Object.entries(obj(settings.Values))) {
    if (typeof v !== 'string')
      throw new SettingsError(`${file}: Values.${k} must be a string, got ${typeof v}.`);
  }
  return settings;
}

/**
 * Reads the settings file (creating it from `local.settings.example.json` beside it on first start
 * when `createFromExample`), applies its values to `env`, and returns the host part.
 */
export function applyLocalSettings(
  file: string | undefined,
  env: Record<string, string | undefined>,
  createFromExample = false,
): LocalSettings {
  const notes: string[] = [];
  const none: LocalSettings = {
    file: undefined,
    port: undefined,
    cors: { origins: [], credentials: false },
    notes,
  };
  if (file === undefined) return none;
  const example = path.join(path.dirname(file), 'local.settings.example.json');
  if (!existsSync(file) && createFromExample && existsSync(example)) {
    copyFileSync(example, file);
    notes.push(`Created ${file} from ${path.basename(example)}.`);
  }
  if (!existsSync(file)) return { ...none, file };
  const settings = parseLocalSettings(file, readFileSync(file, 'utf8'));
  for (const [k, v] of Object.entries(obj(settings.Values))) {
    if (env[k] !== undefined)
      notes.push(
        `Skipping '${k}' from local settings as it's already defined in current environment variables.`,
      );
    else env[k] = String(v);
  }
  for (const [k, v] of Object.entries(obj(settings.ConnectionStrings))) {
    const name = `ConnectionStrings:${k}`;
    if (env[name] === undefined && typeof v === 'string') env[name] = v;
  }
  const host = obj(settings.Host);
  const port = host.LocalHttpPort;
  if (
    port !== undefined &&
    (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535)
  ) {
    throw new SettingsError(
      `${file}: Host.LocalHttpPort must be a port number, got ${JSON.stringify(port)}.`,
    );
  }
  const corsText = typeof host.CORS === 'string' ? host.CORS : '';
  const credentials = host.CORSCredentials === true;
  const origins = corsText
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  if (credentials && origins.includes('*')) {
    throw new SettingsError(
      `${file}: Host.CORS "*" cannot be combined with "CORSCredentials": true; list the origins.`,
    );
  }
  return { file, port, cors: { origins, credentials }, notes };
}
