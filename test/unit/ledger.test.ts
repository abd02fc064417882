import { InvalidTransitionError } from '../../core/errors';
import type { Outcome, Resumption, ResumptionStatus } from '../../core/ledger';
import { applyOutcome } from '../../core/ledger';
import type { ResumptionPlan } from '../../core/planner';

const key = { instanceId: 'inst-1', contactId: 'C9' };
const T0 = new Date('2024-05-02T09:00:00.000Z');
const T1 = new Date('2024-05-02T09:01:00.000Z');
const plan: ResumptionPlan = {
  policy: 'auto',
  rehydrationType: 'FROM_SEGMENT',
  sourceContactId: 'C2',
  pastSessionId: 'C1',
  expectedContinuedFromContactId: 'C2',
  clientToken: 'chatline-0123456789abcdef0123456789abcdef',
  notBefore: '2024-05-02T09:00:05.000Z',
};

const outcomes: Record<ResumptionStatus, Outcome> = {
  PLANNED: { status: 'PLANNED', plan, via: 'app' },
  ASSOCIATED: { status: 'ASSOCIATED', continuedFromContactId: 'C2' },
  FAILED: { status: 'FAILED', reason: 'Connect.InternalServiceException: boom' },
  SKIPPED: { status: 'SKIPPED', reason: 'customer has no past session' },
};

/** A record in `status`, reached through allowed transitions. */
function recordIn(status: ResumptionStatus): Resumption {
  const planned = applyOutcome(key, undefined, outcomes.PLANNED, T0);
  return status === 'PLANNED' ? planned : applyOutcome(key, planned, outcomes[status], T0);
}

describe('Ledger', () => {
  describe('applyOutcome', () => {
    it.each(['PLANNED', 'SKIPPED', 'FAILED'] as const)('creates a record in %s', (status) => {
      // Act
      const record = applyOutcome(key, undefined, outcomes[status], T0);

      // Assess
      expect(record).toMatchObject({ ...key, status, attempts: 0, createdAt: T0.toISOString(), updatedAt: T0.toISOString() });
    });

    it('stores the plan and how the return was detected', () => {
      expect(applyOutcome(key, undefined, outcomes.PLANNED, T0)).toEqual({
        ...key,
        status: 'PLANNED',
        plan,
        via: 'app',
        attempts: 0,
        createdAt: T0.toISOString(),
        updatedAt: T0.toISOString(),
      });
    });

    it.each([
      ['PLANNED', 'ASSOCIATED'],
      ['PLANNED', 'FAILED'],
      ['PLANNED', 'SKIPPED'],
      ['FAILED', 'ASSOCIATED'],
      ['FAILED', 'FAILED'],
      ['FAILED', 'PLANNED'],
    ] as const)('allows %s → %s', (from, to) => {
      // Prepare
      const current = recordIn(from);

      // Act
      const next = applyOutcome(key, current, outcomes[to], T1);

      // Assess
      expect(next).toMatchObject({ status: to, createdAt: T0.toISOString(), updatedAt: T1.toISOString() });
      expect(next.plan).toEqual(plan);
    });

    it('plans a FAILED record again for a redrive: the same plan, the old reason gone', () => {
      const next = applyOutcome(key, recordIn('FAILED'), { status: 'PLANNED', plan }, T1);
      expect(next).toMatchObject({ status: 'PLANNED', plan, via: 'app', updatedAt: T1.toISOString() });
      expect(next.reason).toBeUndefined();
    });

    it.each([
      ['NONE', 'ASSOCIATED'],
      ['FAILED', 'SKIPPED'],
      ['ASSOCIATED', 'PLANNED'],
      ['ASSOCIATED', 'FAILED'],
      ['ASSOCIATED', 'SKIPPED'],
      ['SKIPPED', 'PLANNED'],
      ['SKIPPED', 'ASSOCIATED'],
      ['SKIPPED', 'FAILED'],
    ] as const)('forbids %s → %s', (from, to) => {
      // Prepare
      const current = from === 'NONE' ? undefined : recordIn(from);

      // Act
      const act = () => applyOutcome(key, current, outcomes[to], T1);

      // Assess
      expect(act).toThrow(InvalidTransitionError);
      expect(act).toThrow(`resumption inst-1/C9: ${from} → ${to} is not allowed`);
    });

    it.each(['PLANNED', 'ASSOCIATED', 'SKIPPED'] as const)('treats a repeated %s as a no-op returning the same record', (status) => {
      const current = recordIn(status);
      expect(applyOutcome(key, current, outcomes[status], T1)).toBe(current);
    });

    it('records a repeated FAILED with its latest reason (a redriven attempt failed again)', () => {
      const failed = recordIn('FAILED');
      const again = applyOutcome(key, failed, { status: 'FAILED', reason: 'Connect.ThrottlingException' }, T1);
      expect(again).toMatchObject({ status: 'FAILED', reason: 'Connect.ThrottlingException', updatedAt: T1.toISOString() });
    });

    it('clears the failure reason when a redriven execution then associates', () => {
      const associated = applyOutcome(key, recordIn('FAILED'), outcomes.ASSOCIATED, T1);
      expect(associated).toEqual({
        ...key,
        status: 'ASSOCIATED',
        plan,
        via: 'app',
        continuedFromContactId: 'C2',
        attempts: 0,
        createdAt: T0.toISOString(),
        updatedAt: T1.toISOString(),
      });
      expect('reason' in associated).toBe(false);
    });

    it('throws a terminal error', () => {
      const error = new InvalidTransitionError('x');
      expect(error).toMatchObject({ name: 'InvalidTransitionError', retryable: false });
    });
  });
});
