/**
 * The local engine at volume (issue 8): finished executions live in SQLite, not in memory;
 * Express executions keep no history; an accepted event stays in the inbox until the Express
 * execution it started has finished; deliveries are bounded and per-contact ordered; a Wait
 * longer than any timer neither spins nor fires early; writes are batched yet committed before an
 * answer; retention prunes what is old.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { EventEnvelope } from '../../local/bus';
import { LocalEventBus } from '../../local/bus';
import { LocalStepFunctions } from '../../local/sfn/runner';
import type { TaskFn } from '../../local/sfn/task-bindings';
import { stateMachineArn } from '../../local/stack';
import { SqliteJournal } from '../../local/store/sqlite-journal';
import { SqliteStore } from '../../local/store/sqlite-store';
import { startTestStack } from './local-stack-harness';

const DAY_MS = 24 * 3600 * 1000;

function engine(path = ':memory:') {
  const store = new SqliteStore(path);
  const journal = new SqliteJournal(store.db, store.batch);
  const sfn = new LocalStepFunctions({ journal });
  return { store, journal, sfn };
}

const passThrough = (name: string, type: 'STANDARD' | 'EXPRESS', tasks: Record<string, TaskFn> = { Work: async (i) => i }) => ({
  name,
  arn: stateMachineArn(name),
  type,
  tasks,
  definition: { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } } } as never,
});

const envelope = (id: string, contactId: string): EventEnvelope => ({
  version: '0', id, 'detail-type': 'test', source: 'test.engine', account: '000000000000', time: '2026-01-01T00:00:00Z', region: 'us-east-1', resources: [], detail: { contactId },
});

describe('local engine', () => {
  it('keeps only running executions in memory; finished Standard ones are read back from SQLite, Express ones leave nothing', async () => {
    const { store, sfn } = engine();
    sfn.register(passThrough('std', 'STANDARD'));
    sfn.register(passThrough('exp', 'EXPRESS'));
    const started = Array.from({ length: 50 }, (_, i) => sfn.startExecution({ stateMachineArn: stateMachineArn('std'), name: `n-${i}`, input: { i } }));
    const express = sfn.startExecution({ stateMachineArn: stateMachineArn('exp'), input: { x: 1 } });
    expect(sfn.runningCount()).toBe(51);
    await sfn.waitForIdle();
    expect(sfn.runningCount()).toBe(0);

    expect(sfn.describeExecution(started[7]!.executionArn)).toMatchObject({ status: 'SUCCEEDED', output: '{"i":7}' });
    expect(sfn.history(started[7]!.executionArn).map((e) => e.type)).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
    expect(sfn.countExecutions(stateMachineArn('std'))).toEqual({ SUCCEEDED: 50 });
    expect(sfn.describeExecution(express.executionArn)).toBeUndefined();
    expect(sfn.history(express.executionArn)).toEqual([]);
    const rows = store.db.prepare('SELECT COUNT(*) AS n FROM executions').get() as { n: number };
    expect(rows.n).toBe(50);

    // Pages: newest first, keyset cursor, no overlap.
    const first = sfn.listExecutions({ stateMachineArn: stateMachineArn('std'), limit: 20 });
    const last = first[first.length - 1]!;
    const second = sfn.listExecutions({ stateMachineArn: stateMachineArn('std'), limit: 100, after: [last.startDate.getTime(), last.executionArn] });
    expect(first).toHaveLength(20);
    expect(second).toHaveLength(30);
    expect(new Set([...first, ...second].map((e) => e.executionArn)).size).toBe(50);
    store.close();
  });

  it('refuses StartExecution of a used Standard name from the journal, after the execution left memory', async () => {
    const { store, sfn } = engine();
    sfn.register(passThrough('std', 'STANDARD'));
    sfn.startExecution({ stateMachineArn: stateMachineArn('std'), name: 'once', input: {} });
    await sfn.waitForIdle();
    expect(() => sfn.startExecution({ stateMachineArn: stateMachineArn('std'), name: 'once', input: {} })).toThrow(expect.objectContaining({ name: 'StepFunctions.ExecutionAlreadyExistsException' }));
    store.close();
  });

  it('parks a Wait longer than any timer: no spinning, still RUNNING, continued when its time comes', async () => {
    jest.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
    try {
      const { store, sfn } = engine();
      const until = new Date(Date.UTC(2026, 0, 1) + 40 * DAY_MS).toISOString();
      sfn.register({
        name: 'long-wait',
        arn: stateMachineArn('long-wait'),
        type: 'STANDARD',
        tasks: {},
        definition: { StartAt: 'Hold', States: { Hold: { Type: 'Wait', TimestampPath: '$.until', Next: 'Done' }, Done: { Type: 'Succeed' } } } as never,
      });
      const e = sfn.startExecution({ stateMachineArn: stateMachineArn('long-wait'), name: 'w', input: { until } });
      await jest.advanceTimersByTimeAsync(1000);
      expect(sfn.describeExecution(e.executionArn)?.status).toBe('RUNNING');
      await jest.advanceTimersByTimeAsync(30 * DAY_MS);
      expect(sfn.describeExecution(e.executionArn)?.status).toBe('RUNNING');
      expect(sfn.history(e.executionArn).map((h) => h.type)).toEqual(['ExecutionStarted', 'WaitStateEntered']);
      await jest.advanceTimersByTimeAsync(10 * DAY_MS + 1000);
      expect(sfn.describeExecution(e.executionArn)?.status).toBe('SUCCEEDED');
      expect(sfn.history(e.executionArn).map((h) => h.type)).toEqual(['ExecutionStarted', 'WaitStateEntered', 'WaitStateExited', 'SucceedStateEntered', 'SucceedStateExited', 'ExecutionSucceeded']);
      store.close();
    } finally {
      jest.useRealTimers();
    }
  });

  it('stops a parked execution as ABORTED', async () => {
    const { store, sfn } = engine();
    sfn.register({
      name: 'long-wait',
      arn: stateMachineArn('long-wait'),
      type: 'STANDARD',
      tasks: {},
      definition: { StartAt: 'Hold', States: { Hold: { Type: 'Wait', Seconds: 90 * 24 * 3600, Next: 'Done' }, Done: { Type: 'Succeed' } } } as never,
    });
    const e = sfn.startExecution({ stateMachineArn: stateMachineArn('long-wait'), name: 'w', input: {} });
    await new Promise((r) => setTimeout(r, 20));
    sfn.stopExecution(e.executionArn);
    expect(await sfn.waitFor(e.executionArn)).toMatchObject({ status: 'ABORTED' });
    expect(sfn.history(e.executionArn).map((h) => h.type)).toEqual(['ExecutionStarted', 'WaitStateEntered', 'ExecutionAborted']);
    store.close();
  });

  it('refuses a definition whose static timers no setTimeout can run', () => {
    const { store, sfn } = engine();
    const tooLong = { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', TimeoutSeconds: 40 * 24 * 3600, End: true } } } as never;
    expect(() => sfn.register({ name: 'x', arn: stateMachineArn('x'), type: 'STANDARD', tasks: {}, definition: tooLong })).toThrow(/cannot time T\.TimeoutSeconds/);
    store.close();
  });
});

describe('local bus deliveries', () => {
  it('keeps an event in the inbox until the execution it started has finished', async () => {
    const { store, journal, sfn } = engine();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    sfn.register(passThrough('exp', 'EXPRESS', { Work: async (i) => (await gate, i) }));
    const bus = new LocalEventBus({ accountId: '000000000000', region: 'us-east-1', journal, onDeadLetter: async () => undefined });
    bus.addRule({ name: 'r', pattern: { source: ['s'] }, target: async (event) => sfn.waitFor(sfn.startExecution({ stateMachineArn: stateMachineArn('exp'), input: event }).executionArn) });
    const out = await bus.putEvents([{ Source: 's', DetailType: 'd', Detail: '{}' }]);
    expect(journal.loadInbox().map((e) => e.id)).toEqual([out.Entries[0]!.EventId]);
    await new Promise((r) => setTimeout(r, 10));
    expect(journal.loadInbox()).toHaveLength(1);
    release();
    await bus.waitForIdle();
    expect(journal.loadInbox()).toEqual([]);
    store.close();
  });

  it('commits accepted events before PutEvents answers (a second connection sees them)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatline-engine-'));
    const path = join(dir, 'chatline.db');
    const { store, journal } = engine(path);
    const bus = new LocalEventBus({ accountId: '000000000000', region: 'us-east-1', journal, onDeadLetter: async () => undefined });
    bus.addRule({ name: 'r', pattern: { source: ['s'] }, target: () => new Promise(() => undefined) });
    await bus.putEvents([{ Source: 's', DetailType: 'd', Detail: '{}' }]);
    const other = new Database(path, { readonly: true });
    expect((other.prepare('SELECT COUNT(*) AS n FROM bus_inbox').get() as { n: number }).n).toBe(1);
    other.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs at most maxInFlight deliveries at once, and one contact\'s events one after another in arrival order', async () => {
    let running = 0;
    let peak = 0;
    const order: string[] = [];
    const perContact = new Map<string, number>();
    const bus = new LocalEventBus({ accountId: '000000000000', region: 'us-east-1', maxInFlight: 3, partitionKey: (e) => (e.detail as { contactId: string }).contactId, onDeadLetter: async () => undefined });
    bus.addRule({
      name: 'r',
      pattern: { source: ['test.engine'] },
      target: async (e) => {
        const contact = (e.detail as { contactId: string }).contactId;
        expect(perContact.get(contact) ?? 0).toBe(0);
        perContact.set(contact, 1);
        peak = Math.max(peak, ++running);
        await new Promise((r) => setTimeout(r, 2));
        order.push(e.id);
        running--;
        perContact.set(contact, 0);
      },
    });
    const ids = Array.from({ length: 30 }, (_, i) => `e${i}`);
    for (const [i, id] of ids.entries()) bus.deliver(envelope(id, `c${i % 4}`));
    await bus.waitForIdle();
    expect(peak).toBe(3);
    expect(order).toHaveLength(30);
    for (let c = 0; c < 4; c++) {
      const mine = ids.filter((_, i) => i % 4 === c);
      expect(order.filter((id) => mine.includes(id))).toEqual(mine);
    }
  });
});

describe('retention', () => {
  it('takes its age from CHATLINE_RETENTION_SECONDS when the stack is given none, and keeps all when neither is set', async () => {
    const finishOne = async (stack: Awaited<ReturnType<typeof startTestStack>>): Promise<void> => {
      const sim = stack.simulator;
      const instanceId = sim.createInstance();
      const { contactId } = await sim.startChat({ instanceId, customerId: 'env' });
      await sim.acceptContact(instanceId, contactId, 'a1');
      await sim.endContact(instanceId, contactId);
      await stack.waitForIdle();
      await sim.startChat({ instanceId, customerId: 'env' });
      await stack.waitForIdle();
    };
    const muchLater = new Date(Date.now() + 10 * 365 * 24 * 3600 * 1000);
    const keepAll = await startTestStack();
    try {
      await finishOne(keepAll);
      expect(keepAll.prune(muchLater).executions).toBe(0);
    } finally {
      await keepAll.dispose();
    }
    process.env['CHATLINE_RETENTION_SECONDS'] = '60';
    try {
      const stack = await startTestStack();
      try {
        await finishOne(stack);
        expect(stack.prune(new Date()).executions).toBe(0);
        expect(stack.prune(new Date(Date.now() + 61 * 1000)).executions).toBe(1);
      } finally {
        await stack.dispose();
      }
    } finally {
      delete process.env['CHATLINE_RETENTION_SECONDS'];
    }
  });

  it('prunes finished executions, their history, processed-event keys and mirrored events older than the retention', async () => {
    const stack = await startTestStack({ retentionSeconds: 3600 });
    try {
      const sim = stack.simulator;
      const instanceId = sim.createInstance();
      const { contactId: c1 } = await sim.startChat({ instanceId, customerId: 'kept' });
      await sim.acceptContact(instanceId, c1, 'a1');
      await sim.endContact(instanceId, c1);
      await stack.waitForIdle(); // the past session is recorded as ended before the customer comes back
      const { contactId: n1 } = await sim.startChat({ instanceId, customerId: 'kept' });
      await stack.waitForIdle();
      expect((await stack.store.getResumption(instanceId, n1))?.value.status).toBe('ASSOCIATED');
      const count = (table: string) => (stack.store.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
      expect(count('executions')).toBe(1);
      expect(count('execution_history')).toBeGreaterThan(5);
      expect(count('processed_events')).toBeGreaterThan(5);

      expect(stack.prune(new Date())).toEqual({ executions: 0, processedKeys: 0, mirroredEvents: 0 });
      const later = new Date(Date.now() + 3601 * 1000);
      const pruned = stack.prune(later);
      expect(pruned).toEqual({ executions: 1, processedKeys: expect.any(Number), mirroredEvents: expect.any(Number) });
      expect(pruned.processedKeys).toBeGreaterThan(5);
      expect({ executions: count('executions'), history: count('execution_history'), processed: count('processed_events'), mirrored: count('mirrored_events') }).toEqual({ executions: 0, history: 0, processed: 0, mirrored: 0 });
      expect(stack.sfn.countExecutions()).toEqual({});
      // The lineage and the ledger are the product's record: kept.
      expect((await stack.store.getResumption(instanceId, n1))?.value.status).toBe('ASSOCIATED');
      expect(await stack.store.getSegment(instanceId, c1)).toBeDefined();
    } finally {
      await stack.dispose();
    }
  });
});
