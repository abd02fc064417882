/**
 * The crash scenario (issue 4): a burst of Connect contact events and `Chat Customer Returned`
 * events goes to `chatline dev` over the EventBridge API; the process is SIGKILLed at a seeded
 * random point of the burst, started again on the same SQLite file, and the rest of the burst
 * (plus every batch whose PutEvents did not answer) is sent again, as EventBridge would.
 *
 * Connect is a separate `chatline sim` process, so its association count survives the kill.
 * Measured: lost events (accepted but not in the lineage or the intents), duplicate
 * associations, returns never associated, executions not terminal, events left in the inbox.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CUSTOMER_RETURNED_DETAIL_TYPE, DEFAULT_RETURN_EVENT_SOURCE, LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../core/constants';
import { SqliteStore } from '../../local/store/sqlite-store';
import { freePort, startChatline } from '../integration/process-harness';
import type { Child } from '../integration/process-harness';

export interface CrashReport {
  readonly seed: number;
  readonly customers: number;
  readonly acceptedEvents: number;
  readonly killedAfterBatch: number;
  readonly lostEvents: string[];
  readonly duplicateAssociations: string[];
  readonly notAssociated: string[];
  readonly nonTerminalExecutions: number;
  readonly inboxLeft: number;
  /** What the restarted process said it continued: proof the kill hit work in progress. */
  readonly recovered: { readonly executions: number; readonly events: number };
}

/** Mulberry32: a small seeded PRNG, so a seed replays the same burst and the same kill point. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function sim<T>(base: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

interface SimEnvelope { source: string; 'detail-type': string; detail: { contactId: string; eventType: string }; resources: string[]; time: string }

export async function runCrashScenario(seed: number, customers = 8): Promise<CrashReport> {
  const random = prng(seed);
  const dir = mkdtempSync(join(tmpdir(), 'chatline-crash-'));
  const db = join(dir, 'chatline.db');
  const [simPort, stackPort] = [await freePort(), await freePort()];
  const simUrl = `http://127.0.0.1:${simPort}`;
  const stackUrl = `http://127.0.0.1:${stackPort}`;
  const devArgs = ['dev', '--no-demo', '--port', String(stackPort), '--db', db, '--connect-endpoint', simUrl, '--readiness', '0', '--grace', '0.5', '--retry-time-scale', '0.05'];
  const children: Child[] = [];
  try {
    children.push(await startChatline(['sim', '--port', String(simPort), '--seed', String(seed), '--no-throttle', '--transcript-ready', '0', '--instance', 'crash-instance'], /listening on/));
    let stack = await startChatline(devArgs, /local stack on/);
    children.push(stack);

    // The Connect side: past sessions (some with a transfer and a survey), then the returns.
    const instanceId = 'crash-instance';
    const returns: { contactId: string; customerId: string; previous: string; explicit: boolean }[] = [];
    for (let i = 0; i < customers; i++) {
      const customerId = `customer-${seed}-${i}`;
      const { contactId: c1 } = await sim<{ contactId: string }>(simUrl, '/_sim/chats', { instanceId, customerId });
      await sim(simUrl, `/_sim/contacts/${instanceId}/${c1}/accept`, { agentId: 'a1' });
      let last = c1;
      if (random() < 0.5) last = (await sim<{ contactId: string }>(simUrl, `/_sim/contacts/${instanceId}/${c1}/transfer`, { toAgentId: 'a2' })).contactId;
      const survey = random() < 0.5;
      const { surveyContactId } = await sim<{ surveyContactId?: string }>(simUrl, `/_sim/contacts/${instanceId}/${last}/end`, { survey });
      if (surveyContactId) await sim(simUrl, `/_sim/contacts/${instanceId}/${surveyContactId}/end`, {});
      const { contactId: n } = await sim<{ contactId: string }>(simUrl, '/_sim/chats', { instanceId, customerId });
      returns.push({ contactId: n, customerId, previous: last, explicit: random() < 0.6 });
    }
    await sim(simUrl, '/_sim/events/flush', {});
    const { emitted } = await sim<{ emitted: SimEnvelope[] }>(simUrl, '/_sim/events');

    // The burst: every contact event and an app event per return (named by previous contact or
    // only by customer), shuffled, in batches of 10.
    const entries: PutEventsRequestEntry[] = emitted.map((e) => ({ Source: e.source, DetailType: e['detail-type'], Detail: JSON.stringify(e.detail), Resources: e.resources, Time: new Date(e.time) }));
    for (const r of returns) {
      const named = r.explicit ? { previousContactId: r.previous } : { customerId: r.customerId };
      entries.push({ Source: DEFAULT_RETURN_EVENT_SOURCE, DetailType: CUSTOMER_RETURNED_DETAIL_TYPE, Detail: JSON.stringify({ instanceId, contactId: r.contactId, ...named }) });
    }
    for (let i = entries.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [entries[i], entries[j]] = [entries[j] as PutEventsRequestEntry, entries[i] as PutEventsRequestEntry];
    }
    const batches: PutEventsRequestEntry[][] = [];
    for (let i = 0; i < entries.length; i += 10) batches.push(entries.slice(i, i + 10));
    const killAfter = Math.floor(random() * batches.length);

    const events = new EventBridgeClient({ endpoint: stackUrl, region: LOCAL_REGION, credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
    const accepted: PutEventsRequestEntry[] = [];
    const pending: PutEventsRequestEntry[][] = [];
    for (const [i, batch] of batches.entries()) {
      if (i === killAfter) {
        // Kill in the middle of the burst: some PutEvents in flight, executions running.
        const inFlight = events.send(new PutEventsCommand({ Entries: batch })).then(
          (out) => (out.FailedEntryCount ? pending.push(batch) : accepted.push(...batch)),
          () => pending.push(batch),
        );
        await new Promise((r) => setTimeout(r, Math.floor(random() * 30)));
        stack.process.kill('SIGKILL');
        await stack.exited;
        await inFlight;
        continue;
      }
      if (i > killAfter) {
        pending.push(batch);
        continue;
      }
      const out = await events.send(new PutEventsCommand({ Entries: batch }));
      if (out.FailedEntryCount) throw new Error(`PutEvents refused entries: ${JSON.stringify(out.Entries)}`);
      accepted.push(...batch);
    }

    stack = await startChatline(devArgs, /local stack on/);
    children.push(stack);
    await new Promise((r) => setTimeout(r, 100));
    const said = /continued (\d+) unfinished executions and (\d+) undelivered events/.exec(stack.output());
    const recovered = { executions: Number(said?.[1] ?? 0), events: Number(said?.[2] ?? 0) };
    for (const batch of pending) {
      const out = await events.send(new PutEventsCommand({ Entries: batch }));
      if (out.FailedEntryCount) throw new Error(`PutEvents refused entries after restart: ${JSON.stringify(out.Entries)}`);
      accepted.push(...batch);
    }

    // Settle: every resume-chat execution terminal, nothing running.
    const sfn = new SFNClient({ endpoint: stackUrl, region: LOCAL_REGION, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const resumeArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:stateMachine:chatline-resume-chat`;
    const deadline = Date.now() + 60_000;
    let running = Infinity;
    while (Date.now() < deadline) {
      const list = await sfn.send(new ListExecutionsCommand({ stateMachineArn: resumeArn, maxResults: 1000 }));
      const all = list.executions ?? [];
      running = all.filter((e) => e.status === 'RUNNING').length;
      if (running === 0 && all.length >= returns.length) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    stack.process.kill('SIGTERM');
    await stack.exited;

    const stats = await sim<{ associationsByContact: Record<string, number> }>(simUrl, '/_sim/stats');
    const store = new SqliteStore(db);
    try {
      const lost: string[] = [];
      for (const entry of accepted) {
        const detail = JSON.parse(entry.Detail as string) as { contactId: string; eventType?: string };
        const instance = instanceId;
        if (entry.DetailType === CUSTOMER_RETURNED_DETAIL_TYPE) {
          if (!(await store.getIntent(instance, detail.contactId))) lost.push(`return ${detail.contactId}`);
        } else {
          const seg = (await store.getSegment(instance, detail.contactId))?.value;
          if (!seg?.eventTypes.includes(detail.eventType as string)) lost.push(`${detail.contactId} ${detail.eventType}`);
        }
      }
      const inboxLeft = (store.db.prepare('SELECT COUNT(*) AS n FROM bus_inbox').get() as { n: number }).n;
      const nonTerminal = (store.db.prepare("SELECT COUNT(*) AS n FROM executions WHERE json_extract(body, '$.status') = 'RUNNING'").get() as { n: number }).n;
      return {
        seed,
        customers,
        acceptedEvents: accepted.length,
        killedAfterBatch: killAfter,
        lostEvents: lost,
        duplicateAssociations: Object.entries(stats.associationsByContact).filter(([, n]) => n > 1).map(([c]) => c),
        notAssociated: await Promise.all(
          returns
            .filter((r) => (stats.associationsByContact[r.contactId] ?? 0) === 0)
            .map(async (r) => {
              const ledger = (await store.getResumption(instanceId, r.contactId))?.value;
              return `${r.contactId} (${r.explicit ? 'named' : 'by customer'}): ${ledger ? `${ledger.status} ${ledger.reason ?? ''}` : 'no ledger record'}`;
            }),
        ),
        nonTerminalExecutions: nonTerminal + (running === Infinity ? 0 : running),
        inboxLeft,
        recovered,
      };
    } finally {
      store.close();
    }
  } finally {
    for (const c of children) if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    rmSync(dir, { recursive: true, force: true });
  }
}
