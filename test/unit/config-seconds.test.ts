import { InvalidConfigError } from '../../core/errors';
import { parseSeconds, plannerConfigFromEnv } from '../../core/config';
describe('Config: strict seconds', () => {
  describe('parseSeconds', () => {
    it.each([' ', '0x3c', '1e2'])('rejects %j, which is not a plain decimal number of seconds', (value) => {
      expect(() => parseSeconds('READINESS_DELAY_SECONDS', value)).toThrow(InvalidConfigError);
    });
  });
  describe('plannerConfigFromEnv', () => {
    it('does not turn a blank READINESS_DELAY_SECONDS into 0 seconds', () => {
      expect(() => plannerConfigFromEnv({ READINESS_DELAY_SECONDS: '  ' })).toThrow(InvalidConfigError);
    });
  });
});
