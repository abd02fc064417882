/**
 * Issue 12: `chatline dev --with-sim` pairs the stack with a Connect simulator. The same seeded
 * traffic at --speed 3 (its waits and transcript readiness take a fifth as long; dev's delays
 * follow) gives the same associations as at speed 1, and no event is stamped in the future.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnChatline } from './process-harness';

/**
 * In simulated seconds. A returning chat lasts --handle-time and a return comes --return-delay
 * after the session ends: at --speed 3 both still take 2 s of real time or more, enough for the
 * stack to detect the return and associate while the chat is active on a loaded machine (a
 * compression beyond that is a test of the machine, not of the pairing). Speed 1 takes ~30 s.
 * Seed 34: four customers, transfers, and one past session ending in a survey (FROM_SEGMENT).
 */
const TRAFFIC = '--seed 34 --traffic 4 --arrival-rate 2 --accept-delay 0..0.3 --handle-time 6..7 --survey-time 0.5..1 --return-delay 6..7 --return-p 1 --transfer-p 0.5 --survey-p 0.5 --no-throttle';
const FAST = 3;

interface SimContact { contactId: string; customerId?: string; initialContactId: string; continuedFromContactId?: string; seq: number }
interface Overview {
  counts: { resumptions: Record<string, number>; executions: Record<string, number> };
  resumptions: { contactId: string; status: string; plan?: { rehydrationType: string } }[];
}

const getJson = async <T>(url: string): Promise<T> => (await (await fetch(url)).json()) as T;

async function pairedRun(dir: string, speed: number) {
  const dev = spawnChatline(['dev', '--no-demo', '--port', '0', '--db', join(dir, `speed-${speed}.db`), '--readiness', '0.3', '--grace', '0.3', '--sim-args', `${TRAFFIC} --speed ${speed}`]);
  try {
    await dev.waitFor(/traffic done: \{.*\}/, 90_000);
    const stackUrl = /local stack on (http:\/\/\S+)/.exec(dev.output())?.[1] ?? '';
    const simUrl = /Connect simulator \(--with-sim\) on (http:\/\/[\d.:]+)/.exec(dev.output())?.[1] ?? '';
    const traffic = JSON.parse(/traffic done: (\{.*\})/.exec(dev.output())?.[1] ?? '{}') as { returns: number; errors: string[] };
    // The last returns are still being planned and associated: wait until the ledger settles.
    let overview = await getJson<Overview>(`${stackUrl}/_chatline/api/overview`);
    for (let i = 0; i < 150 && (overview.resumptions.length < traffic.returns || (overview.counts.resumptions['PLANNED'] ?? 0) > 0 || (overview.counts.executions['RUNNING'] ?? 0) > 0); i++) {
      await new Promise((r) => setTimeout(r, 100));
      overview = await getJson<Overview>(`${stackUrl}/_chatline/api/overview`);
    }
    const { contacts } = await getJson<{ contacts: SimContact[] }>(`${simUrl}/_sim/contacts`);
    const { emitted } = await getJson<{ emitted: { time: string }[] }>(`${simUrl}/_sim/events`);
    return { traffic, overview, contacts, latestEvent: Math.max(...emitted.map((e) => Date.parse(e.time))), endedAt: Date.now() };
  } finally {
    await dev.stop('SIGTERM');
  }
}

/** Contacts by place, the same at any speed: customer / visit / segment. */
function associations(run: Awaited<ReturnType<typeof pairedRun>>): Record<string, string> {
  const byId = new Map(run.contacts.map((c) => [c.contactId, c]));
  const sessions = new Map<string, SimContact[]>();
  for (const c of [...run.contacts].sort((a, b) => a.seq - b.seq)) sessions.set(c.initialContactId, [...(sessions.get(c.initialContactId) ?? []), c]);
  const place = new Map<string, string>();
  const visits = new Map<string, number>();
  for (const segments of sessions.values()) {
    const customer = segments[0]?.customerId ?? '?';
    const visit = (visits.get(customer) ?? 0) + 1;
    visits.set(customer, visit);
    segments.forEach((s, i) => place.set(s.contactId, `${customer}/visit ${visit}/segment ${i + 1}`));
  }
  const out: Record<string, string> = {};
  for (const r of run.overview.resumptions) {
    const from = byId.get(r.contactId)?.continuedFromContactId;
    out[place.get(r.contactId) ?? r.contactId] = `${r.status} ${r.plan?.rehydrationType ?? ''} from ${from ? place.get(from) : 'nothing'}`;
  }
  return out;
}

describe('dev --with-sim', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'chatline-paired-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the same associations at --speed 3 as at speed 1, and stamps no event in the future', async () => {
    const slow = await pairedRun(dir, 1);
    const fast = await pairedRun(dir, FAST);
    expect(slow.traffic.errors).toEqual([]);
    expect(fast.traffic.errors).toEqual([]);
    expect(slow.traffic.returns).toBe(4);
    const expected = associations(slow);
    expect(Object.values(expected)).toHaveLength(4);
    for (const a of Object.values(expected)) expect(a).toMatch(/^ASSOCIATED (FROM_SEGMENT|ENTIRE_PAST_SESSION) from customer-\d\/visit 1\/segment \d$/);
    expect(associations(fast)).toEqual(expected);
    expect(fast.latestEvent).toBeLessThanOrEqual(fast.endedAt);
  }, 150_000);
});
