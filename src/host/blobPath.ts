/**
 * Blob-trigger paths as the Functions host reads them: `%SETTING%` tokens resolved from settings,
 * then `container/blob-template`, where the container is a literal and each `{name}` in the blob part
 * matches greedily (`.*`), anchored and case-sensitive; `{{` and `}}` are literal braces.
 */

export interface BlobPath {
  container: string;
  /** The blob part of the template, as written (after %SETTING% resolution). */
  template: string;
  names: string[];
  regex: RegExp;
  /** The literal text before the first parameter: the listing prefix. */
  prefix: string;
}

/** Replaces `%NAME%` with the setting's value; throws naming a missing setting. */
export function resolveSettingTokens(text: string, env: Record<string, string | undefined>): string {
  return text.replace(/%([^%]+)%/g, (_m, name: string) => {
    const v = env[name];
    if (v === undefined || v === '') throw new Error(`"${text}": setting "${name}" is not set`);
    return v;
  });
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Parses a resolved trigger path; throws when the container is not a literal. */
export function parseBlobPath(path: string): BlobPath {
  const slash = path.indexOf('/');
  const container = (slash < 0 ? path : path.slice(0, slash)).toLowerCase();
  const template = slash < 0 ? '' : path.slice(slash + 1);
  if (container === '' || /[{}%]/.test(container)) {
    throw new Error(`blob trigger path "${path}": the container must be a literal name`);
  }
  const names: string[] = [];
  let re = '';
  let prefix: string | undefined;
  let literal = '';
  for (let i = 0; i < template.length; i++) {
    const ch = template[i] ?? '';
    const next = template[i + 1];
    if ((ch === '{' && next === '{') || (ch === '}' && next === '}')) {
      literal += ch;
      i++;
    } else if (ch === '{') {
      const end = template.indexOf('}', i);
      if (end < 0) throw new Error(`blob trigger path "${path}": unclosed "{"`);
      const name = template.slice(i + 1, end);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
        throw new Error(`blob trigger path "${path}": bad name "{${name}}"`);
      prefix ??= literal;
      re += escapeRe(literal) + `(?<${name}>.*)`;
      literal = '';
      names.push(name);
      i = end;
    } else literal += ch;
  }
  re += escapeRe(literal);
  return { container, template, names, regex: new RegExp(`^${re}$`, 's'), prefix: prefix ?? literal };
}

/** The path parameters for a blob name, or null when the blob does not match. */
export function matchBlobPath(p: BlobPath, blobName: string): Record<string, string> | null {
  if (p.template === '') return {};
  const m = p.regex.exec(blobName);
  if (m === null) return null;
  return { ...(m.groups ?? {}) };
}
