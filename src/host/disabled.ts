/**
 * The platform's switch for one function: the app setting `AzureWebJobs.<name>.Disabled`. On Azure a
 * disabled function keeps its registration, but its trigger never fires (no blob listener, no timer)
 * and its HTTP route answers 404; the host reads the setting at start-up, and changing an app setting
 * restarts the app. Setting names are case-insensitive there (.NET configuration), so here too.
 */

type Env = Record<string, string | undefined>;

/** The setting that disables the function `name`. */
export function disabledSettingName(name: string): string {
  return `AzureWebJobs.${name}.Disabled`;
}

/** True when `AzureWebJobs.<name>.Disabled` is `true` (any case) or `1`, as the host reads it. */
export function isFunctionDisabled(name: string, env: Env = process.env): boolean {
  const wanted = disabledSettingName(name).toLowerCase();
  for (const [key, value] of Object.entries(env)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    const v = value.trim().toLowerCase();
    if (v === 'true' || v === '1') return true;
  }
  return false;
}
