import { InvalidConfigError } from '../../core/errors';
import { parsePolicy, parseSeconds, plannerConfigFromEnv, retentionSecondsFromEnv } from '../../core/config';
import { DEFAULT_PLANNER_CONFIG } from '../../core/planner';

describe('Config', () => {
  describe('parsePolicy', () => {
    it.each(['auto', 'entire-session', 'from-segment'] as const)('accepts %s', (policy) => {
      expect(parsePolicy(policy)).toBe(policy);
    });

    it.each(['AUTO', 'entire_session', '', 'latest'])('rejects %j, listing the valid policies', (value) => {
      expect(() => parsePolicy(value)).toThrow(InvalidConfigError);
      expect(() => parsePolicy(value)).toThrow(`rehydration policy must be one of auto, entire-session, from-segment; got "${value}"`);
    });
  });

  describe('parseSeconds', () => {
    it.each([
      ['0', 0],
      ['60', 60],
      ['2.5', 2.5],
    ])('reads %j as %d seconds', (value, seconds) => {
      expect(parseSeconds('READINESS_DELAY_SECONDS', value)).toBe(seconds);
    });

    it.each(['-1', 'sixty', 'Infinity', 'NaN', '10s'])('rejects %j, naming the variable', (value) => {
      expect(() => parseSeconds('LATE_EVENT_GRACE_SECONDS', value)).toThrow(
        new InvalidConfigError(`LATE_EVENT_GRACE_SECONDS must be a number of seconds >= 0; got "${value}"`),
      );
    });
  });

  describe('retentionSecondsFromEnv', () => {
    it('keeps everything when unset or empty, else reads decimal seconds', () => {
      expect(retentionSecondsFromEnv({})).toBeUndefined();
      expect(retentionSecondsFromEnv({ CHATLINE_RETENTION_SECONDS: ' ' })).toBeUndefined();
      expect(retentionSecondsFromEnv({ CHATLINE_RETENTION_SECONDS: '7776000' })).toBe(7776000);
      expect(() => retentionSecondsFromEnv({ CHATLINE_RETENTION_SECONDS: '90d' })).toThrow(InvalidConfigError);
    });
  });

  describe('plannerConfigFromEnv', () => {
    it('uses the defaults when nothing is set', () => {
      expect(plannerConfigFromEnv({})).toEqual(DEFAULT_PLANNER_CONFIG);
      expect(DEFAULT_PLANNER_CONFIG).toEqual({ defaultPolicy: 'auto', readinessDelaySeconds: 60, lateEventGraceSeconds: 5, gapFillAfterSeconds: 60 });
    });

    it('reads every variable', () => {
      expect(
        plannerConfigFromEnv({ REHYDRATION_POLICY: 'entire-session', READINESS_DELAY_SECONDS: '45', LATE_EVENT_GRACE_SECONDS: '0', GAP_FILL_AFTER_SECONDS: '90', UNRELATED: 'x' }),
      ).toEqual({ defaultPolicy: 'entire-session', readinessDelaySeconds: 45, lateEventGraceSeconds: 0, gapFillAfterSeconds: 90 });
    });

    it('treats an empty variable as unset', () => {
      expect(plannerConfigFromEnv({ REHYDRATION_POLICY: '', READINESS_DELAY_SECONDS: '' })).toEqual(DEFAULT_PLANNER_CONFIG);
    });

    it.each([
      [{ REHYDRATION_POLICY: 'newest' }, 'rehydration policy must be one of auto, entire-session, from-segment; got "newest"'],
      [{ READINESS_DELAY_SECONDS: '-30' }, 'READINESS_DELAY_SECONDS must be a number of seconds >= 0; got "-30"'],
      [{ LATE_EVENT_GRACE_SECONDS: 'five' }, 'LATE_EVENT_GRACE_SECONDS must be a number of seconds >= 0; got "five"'],
      [{ GAP_FILL_AFTER_SECONDS: 'later' }, 'GAP_FILL_AFTER_SECONDS must be a number of seconds >= 0; got "later"'],
    ])('fails fast on %j', (env, message) => {
      expect(() => plannerConfigFromEnv(env)).toThrow(new InvalidConfigError(message));
    });
  });
});
