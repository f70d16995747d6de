import { describe, expect, it } from 'vitest';
import { disabledSettingName, isFunctionDisabled } from './disabled.js';

describe('AzureWebJobs.<name>.Disabled', () => {
  it('disables on "true" in any case or "1", and on nothing else', () => {
    expect(disabledSettingName('reconcileIndex')).toBe('AzureWebJobs.reconcileIndex.Disabled');
    for (const v of ['true', 'TRUE', ' True ', '1']) {
      expect(isFunctionDisabled('health', { 'AzureWebJobs.health.Disabled': v }), v).toBe(true);
    }
    for (const v of ['false', '0', '', 'yes', 'off']) {
      expect(isFunctionDisabled('health', { 'AzureWebJobs.health.Disabled': v }), v).toBe(false);
    }
    expect(isFunctionDisabled('health', {})).toBe(false);
  });

  it('matches the setting name case-insensitively, as .NET configuration does, and only for that function', () => {
    expect(isFunctionDisabled('Health', { 'azurewebjobs.HEALTH.disabled': 'true' })).toBe(true);
    expect(isFunctionDisabled('healthz', { 'AzureWebJobs.health.Disabled': 'true' })).toBe(false);
    expect(isFunctionDisabled('health', { 'AzureWebJobs.healthz.Disabled': 'true' })).toBe(false);
  });
});
