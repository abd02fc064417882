/**
 * The seed story (the CreatePersistentContactAssociation API reference's own example), played
 * on the local stack: C1 with agent a1, transfer to a2 (C2), a2 ends, the disconnect-flow survey
 * (C3), the session ends. The customer then returns twice:
 *  - Use Case 1, hide the survey: FROM_SEGMENT from C2 → continued from C2, sees C2, C1.
 *  - Use Case 2, the entire session: ENTIRE_PAST_SESSION from C1 → continued from C3, sees C3, C2, C1.
 * Every expected value is checked against the simulator's own view, not chatline's.
 */
import { CUSTOMER_RETURNED_DETAIL_TYPE, DEFAULT_RETURN_EVENT_SOURCE } from '../core/constants';
import type { RehydrationPolicy } from '../core/schemas';
import type { LocalStack } from '../local/stack';
import type { ConnectSimulator } from '../simulator';

export interface UseCaseResult {
  readonly useCase: number;
  readonly contactId: string;
  readonly rehydrationType?: string;
  readonly sourceContactId?: string;
  readonly continuedFromContactId?: string;
  readonly visibleTranscript: string[];
  readonly status?: string;
  readonly asExpected: boolean;
}

export interface DemoResult {
  readonly instanceId: string;
  readonly contacts: { C1: string; C2: string; C3: string };
  readonly useCases: UseCaseResult[];
}

/**
 * `sim` is the simulator the workflows call: the stack's built-in one, or one paired with it
 * (`dev --with-sim`), whose events reach the stack over HTTP and are flushed before each wait.
 */
export async function runDemo(stack: LocalStack, progress: (line: string) => void = () => undefined, sim: ConnectSimulator = stack.simulator): Promise<DemoResult> {
  const idle = async (): Promise<void> => {
    await sim.flushEvents();
    await stack.waitForIdle();
  };
  const instanceId = sim.createInstance();
  const customerId = 'customer-0001';

  progress('C1: the customer starts a chat; agent a1 accepts');
  const { contactId: C1 } = await sim.startChat({ instanceId, customerId, displayName: 'Customer' });
  await sim.acceptContact(instanceId, C1, 'a1');
  progress('C2: a1 transfers the chat to a2');
  const { contactId: C2 } = await sim.transferContact(instanceId, C1, 'a2');
  progress('C3: a2 ends the chat; the disconnect flow runs the post-chat survey');
  const { surveyContactId: C3 } = await sim.endContact(instanceId, C2, { survey: true });
  if (!C3) throw new Error('the simulator created no survey contact');
  await sim.endContact(instanceId, C3);
  await idle();

  const returns: { useCase: number; policy: RehydrationPolicy; previousContactId: string; expected: Omit<UseCaseResult, 'useCase' | 'contactId' | 'asExpected' | 'status'> }[] = [
    { useCase: 1, policy: 'from-segment', previousContactId: C2, expected: { rehydrationType: 'FROM_SEGMENT', sourceContactId: C2, continuedFromContactId: C2, visibleTranscript: [C2, C1] } },
    { useCase: 2, policy: 'entire-session', previousContactId: C1, expected: { rehydrationType: 'ENTIRE_PAST_SESSION', sourceContactId: C1, continuedFromContactId: C3, visibleTranscript: [C3, C2, C1] } },
  ];
  const useCases: UseCaseResult[] = [];
  for (const r of returns) {
    progress(`Use Case ${r.useCase}: the customer returns (${r.policy} from ${r.previousContactId === C1 ? 'C1' : 'C2'})`);
    const { contactId } = await sim.startChat({ instanceId, customerId, displayName: 'Customer' });
    await stack.bus.putEvents([
      {
        Source: DEFAULT_RETURN_EVENT_SOURCE,
        DetailType: CUSTOMER_RETURNED_DETAIL_TYPE,
        Detail: JSON.stringify({ instanceId, contactId, customerId, previousContactId: r.previousContactId, rehydration: r.policy }),
      },
    ]);
    await idle();
    const ledger = (await stack.store.getResumption(instanceId, contactId))?.value;
    const seen = sim.contact(instanceId, contactId);
    const result = {
      useCase: r.useCase,
      contactId,
      ...(ledger?.plan ? { rehydrationType: ledger.plan.rehydrationType, sourceContactId: ledger.plan.sourceContactId } : {}),
      ...(seen?.relatedContactId ? { continuedFromContactId: seen.relatedContactId } : {}),
      ...(ledger ? { status: ledger.status } : {}),
      visibleTranscript: sim.transcript(instanceId, contactId),
    };
    const asExpected =
      result.rehydrationType === r.expected.rehydrationType &&
      result.sourceContactId === r.expected.sourceContactId &&
      result.continuedFromContactId === r.expected.continuedFromContactId &&
      JSON.stringify(result.visibleTranscript) === JSON.stringify(r.expected.visibleTranscript);
    useCases.push({ ...result, asExpected });
  }
  return { instanceId, contacts: { C1, C2, C3 }, useCases };
}
