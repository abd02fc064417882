/**
 * Issue 9 acceptance (order-independent return detection): the seed story with the returning
 * chat's INITIATED delivered FIRST, before anything of the past session, and the past session's
 * ending events (C1, C2, C3) in every order, delivered over the real EventBridge client one event
 * at a time. Each order gives exactly one ASSOCIATED resumption, from the source the planner picks
 * when the same events arrive in order; the same with the app event `Chat Customer Returned`.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventEnvelope } from '../../local/bus';
import { startTestStack } from './local-stack-harness';

interface SeedEvent extends EventEnvelope {
  readonly 'detail-type': string;
  readonly detail: { contactId: string; eventType?: string; initiationMethod?: string; initialContactId?: string };
}

const seed = readFileSync(join(__dirname, '..', '..', 'examples', 'seed-events.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim().length > 0)
  .map((l) => JSON.parse(l) as SeedEvent);

const isApp = (e: SeedEvent) => e['detail-type'] === 'Chat Customer Returned';
const contactEvents = seed.filter((e) => !isApp(e));
const [C1, C2, C3] = [...new Set(contactEvents.map((e) => e.detail.contactId))];
/** The first returning chat of the seed (Use Case 1): a new initial chat of the same customer. */
const RETURN = contactEvents.find((e) => e.detail.contactId !== C1 && e.detail.initiationMethod === 'API')!.detail.contactId;
const appEvent = seed.find((e) => isApp(e) && e.detail.contactId === RETURN)!;
const PAST = [C1!, C2!, C3!];
const isEnd = (e: SeedEvent) => e.detail.eventType === 'DISCONNECTED' || e.detail.eventType === 'COMPLETED';
const of = (contactId: string) => contactEvents.filter((e) => e.detail.contactId === contactId);

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest]));
}

/** Delivers each batch with PutEvents over HTTP and waits for the stack to settle before the next. */
async function run(batches: readonly SeedEvent[][]) {
  const stack = await startTestStack();
  const events = new EventBridgeClient({ endpoint: stack.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  try {
    for (const e of seed) if (!isApp(e)) stack.simulator.mirror(e);
    for (const batch of batches) {
      for (const e of batch) {
        const out = await events.send(
          new PutEventsCommand({ Entries: [{ Source: e.source, DetailType: e['detail-type'], Detail: JSON.stringify(e.detail), Time: new Date(e.time), Resources: e.resources }] }),
        );
        expect(out.FailedEntryCount).toBe(0);
      }
      await stack.waitForIdle();
    }
    return {
      resumptions: (await stack.store.listResumptions()).map((r) => ({ contactId: r.contactId, status: r.status, source: r.plan?.sourceContactId, via: r.via, ...(r.status === 'ASSOCIATED' ? {} : { reason: r.reason }) })),
      associations: stack.simulator.stats().associationsByContact,
    };
  } finally {
    events.destroy();
    await stack.dispose();
  }
}

/**
 * The return's INITIATED first, then the past session without its ends, then the ends in `order`
 * (each settled before the next), then the rest of the return. With the app event, it is sent
 * right after the past session's other events and the ends follow without waiting (on AWS the app
 * event's resume-chat waits for the past session with its retries; here retries are compressed
 * to milliseconds, so the ends must reach it while it waits).
 */
function story(order: readonly string[], withApp: boolean): SeedEvent[][] {
  const returning = of(RETURN);
  const initiated = returning.filter((e) => e.detail.eventType === 'INITIATED');
  const ends = order.map((c) => of(c).filter(isEnd));
  return [
    initiated,
    PAST.flatMap((c) => of(c).filter((e) => !isEnd(e))),
    ...(withApp ? [[appEvent, ...ends.flat()]] : ends),
    returning.filter((e) => e.detail.eventType !== 'INITIATED'),
  ];
}

describe('return detection does not depend on arrival order', () => {
  for (const withApp of [false, true]) {
    describe(withApp ? 'with the app event' : 'automatic (no app event)', () => {
      let expected: { contactId: string; status: string; source?: string; via?: string }[];

      beforeAll(async () => {
        // The planner's expected source: the same events, in the order they happened.
        const inOrder = [...contactEvents.filter((e) => PAST.includes(e.detail.contactId)), ...of(RETURN), ...(withApp ? [appEvent] : [])];
        expected = (await run([inOrder])).resumptions;
        expect(expected).toEqual([{ contactId: RETURN, status: 'ASSOCIATED', source: C2, via: withApp ? 'app' : 'auto' }]);
      });

      it.each(permutations(PAST).map((order) => [order.map((c) => `C${PAST.indexOf(c) + 1}`).join(' then '), order] as const))(
        'return INITIATED first, past session ends %s: one ASSOCIATED resumption',
        async (_label, order) => {
          const { resumptions, associations } = await run(story(order, withApp));
          expect(resumptions).toEqual(expected);
          expect(associations).toEqual({ [RETURN]: 1 });
        },
      );
    });
  }
});
