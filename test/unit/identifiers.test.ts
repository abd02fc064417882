import fc from 'fast-check';
import type { RehydrationType } from '../../core/identifiers';
import { contactEventKey, deriveClientToken, resumeExecutionName } from '../../core/identifiers';

type TokenInput = Parameters<typeof deriveClientToken>[0];

const tokenInput: fc.Arbitrary<TokenInput> = fc.record({
  instanceId: fc.string({ minLength: 1, maxLength: 100 }),
  contactId: fc.string({ minLength: 1, maxLength: 256 }),
  rehydrationType: fc.constantFrom<RehydrationType>('ENTIRE_PAST_SESSION', 'FROM_SEGMENT'),
  sourceContactId: fc.string({ minLength: 1, maxLength: 256 }),
});

const EXECUTION_NAME = /^[A-Za-z0-9_-]{1,80}$/;

describe('Identifiers', () => {
  describe('deriveClientToken', () => {
    it('is stable, and fits the 500-character ClientToken limit', () => {
      fc.assert(
        fc.property(tokenInput, (input) => {
          const token = deriveClientToken(input);
          expect(deriveClientToken({ ...input })).toBe(token);
          expect(token.length).toBeLessThanOrEqual(500);
          expect(token).toMatch(/^chatline-[0-9a-f]{32}$/);
        }),
      );
    });

    it('pins the derivation (length-prefixed SHA-256), so a refactor cannot silently change tokens already stored', () => {
      // sha256("4:cpca;1:i;1:c;12:FROM_SEGMENT;1:s;"), first 32 hex characters
      expect(deriveClientToken({ instanceId: 'i', contactId: 'c', rehydrationType: 'FROM_SEGMENT', sourceContactId: 's' })).toBe(
        'chatline-b0eb4ca2f6e29f593b2d7010489236df',
      );
    });

    it.each(['instanceId', 'contactId', 'rehydrationType', 'sourceContactId'] as const)('differs when only %s differs', (field) => {
      fc.assert(
        fc.property(tokenInput, tokenInput, (a, b) => {
          fc.pre(a[field] !== b[field]);
          expect(deriveClientToken({ ...a, [field]: b[field] })).not.toBe(deriveClientToken(a));
        }),
      );
    });

    it('does not confuse inputs whose concatenations are equal', () => {
      const a = deriveClientToken({ instanceId: 'ab', contactId: 'c', rehydrationType: 'FROM_SEGMENT', sourceContactId: 'x' });
      const b = deriveClientToken({ instanceId: 'a', contactId: 'bc', rehydrationType: 'FROM_SEGMENT', sourceContactId: 'x' });
      expect(a).not.toBe(b);
    });
  });

  describe('resumeExecutionName', () => {
    it('is a valid Step Functions execution name for any instance and contact', () => {
      fc.assert(
        fc.property(fc.string({ maxLength: 300, unit: 'binary' }), fc.string({ maxLength: 300, unit: 'binary' }), (instanceId, contactId) => {
          expect(resumeExecutionName(instanceId, contactId)).toMatch(EXECUTION_NAME);
        }),
      );
    });

    it('is the same for the same contact and differs between contacts', () => {
      expect(resumeExecutionName('inst', 'C9')).toBe(resumeExecutionName('inst', 'C9'));
      expect(resumeExecutionName('inst', 'C9')).not.toBe(resumeExecutionName('inst', 'C10'));
      expect(resumeExecutionName('inst', 'C9')).not.toBe(resumeExecutionName('other', 'C9'));
    });
  });

  describe('contactEventKey', () => {
    it('dedupes contact events on instance, contact and event type, ignoring the envelope id', () => {
      expect(contactEventKey('inst', 'C1', 'QUEUED', 'e1')).toBe(contactEventKey('inst', 'C1', 'QUEUED', 'e2'));
      expect(contactEventKey('inst', 'C1', 'QUEUED', 'e1')).not.toBe(contactEventKey('inst', 'C1', 'DISCONNECTED', 'e1'));
    });

    it('dedupes CONTACT_DATA_UPDATED on the envelope id, since a contact has many of them', () => {
      expect(contactEventKey('inst', 'C1', 'CONTACT_DATA_UPDATED', 'e1')).toBe('event/e1');
      expect(contactEventKey('inst', 'C1', 'CONTACT_DATA_UPDATED', 'e2')).not.toBe(contactEventKey('inst', 'C1', 'CONTACT_DATA_UPDATED', 'e1'));
    });
  });
});
