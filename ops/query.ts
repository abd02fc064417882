/**
 * The ops query layer: ONE place that answers an operator's questions, over the store port
 * (core/store.ts) and the Step Functions API (@aws-sdk/client-sfn). The console's JSON API, its
 * page and the CLI all call this, so no figure is computed twice. Because the local stack speaks
 * the Step Functions API, the same code runs against it and against a deployed stack.
 *
 * A resumption's execution is found by name: resume-chat executions are named
 * resumeExecutionName(instanceId, contactId) (core/identifiers.ts), so the ARN follows from the
 * state machine's ARN (arn:...:stateMachine:NAME → arn:...:execution:NAME:EXECUTION).
 */
import type { DescribeExecutionCommandOutput, HistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, RedriveExecutionCommand } from '@aws-sdk/client-sfn';
import { resumeExecutionName } from '../core/identifiers';
import type { Resumption, ResumptionStatus } from '../core/ledger';
import type { Segment } from '../core/lineage';
import { sessionIdOf } from '../core/lineage';
import type { ReturnIntent } from '../core/returns';
import type { ChatlineStore } from '../core/store';
import { compareResumptionsNewestFirst, decodeResumptionCursor, encodeResumptionCursor, matchesResumptionQuery } from '../core/store';
import type { FailureKind } from './failures';
import { classifyFailure } from './failures';
import type { ExecutionReading } from './history';
import { readHistory } from './history';
import type { MetricRecord, MinuteMetrics } from './metrics';
import { metricsPerMinute } from './metrics';
import type { ContinuationEdge, PlanRow, SessionRow } from './timeline';
import { customerTimeline, planRow, shownAndHidden } from './timeline';

export const RESUMPTION_STATUSES: readonly ResumptionStatus[] = ['PLANNED', 'ASSOCIATED', 'FAILED', 'SKIPPED'];
/** Execution statuses RedriveExecution accepts (API_RedriveExecution: failed, aborted or timed out). */
const REDRIVABLE = new Set(['FAILED', 'ABORTED', 'TIMED_OUT']);
const ENDED_BADLY = REDRIVABLE;

export interface OpsSources {
  readonly store: ChatlineStore;
  readonly sfn: SFNClient;
  /** The resume-chat state machine's ARN. */
  readonly resumeChatArn: string;
  readonly now?: () => Date;
  /** A PLANNED record older than this with its execution not running counts as stuck. @default 600 */
  readonly stuckAfterSeconds?: number;
}

export interface ExecutionSummary {
  readonly name: string;
  readonly arn: string;
  /** RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE, or NOT_FOUND. */
  readonly status: string;
  readonly startDate?: string;
  readonly stopDate?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly redriveCount?: number;
}

export interface ResumptionRow {
  readonly instanceId: string;
  readonly contactId: string;
  /** As the ledger says. */
  readonly status: ResumptionStatus;
  /**
   * What actually happened: the ledger's status, except a PLANNED record whose execution failed,
   * timed out or was aborted (a transient error that outlasted the retries), which is FAILED.
   */
  readonly outcome: ResumptionStatus;
  readonly via?: string;
  /** The ledger's reason, or for such a stuck record the execution's error: cause. */
  readonly reason?: string;
  readonly attempts: number;
  readonly plan?: PlanRow;
  readonly continuedFromContactId?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly execution?: ExecutionSummary;
}

export interface ResumptionFilter {
  /**
   * Only these outcomes (ResumptionRow.outcome): FAILED includes a PLANNED record whose execution
   * failed, timed out or was aborted, and PLANNED leaves it out.
   */
  readonly statuses?: readonly ResumptionStatus[];
  readonly since?: string;
  readonly until?: string;
  /** Only this customer's returns (every instance). */
  readonly customerId?: string;
  readonly limit?: number;
  readonly cursor?: string;
}

export interface ResumptionList {
  readonly items: ResumptionRow[];
  readonly total: number;
  readonly next?: string;
}

export type SearchHit =
  | { readonly kind: 'customer'; readonly customerId: string }
  | { readonly kind: 'contact'; readonly instanceId: string; readonly contactId: string; readonly sessionId: string; readonly customerId?: string; readonly isReturn: boolean };

export interface CustomerView {
  readonly customerId: string;
  readonly sessions: SessionRow[];
  readonly edges: ContinuationEdge[];
}

export interface ResumptionView {
  readonly resumption: ResumptionRow;
  readonly intent?: ReturnIntent;
  readonly customerId?: string;
  /** Past-session segments the new chat sees and those it does not (from the plan and the lineage). */
  readonly shown: string[];
  readonly hidden: string[];
  readonly history?: ExecutionReading;
}

export interface FailureGroup {
  readonly kind: FailureKind;
  readonly count: number;
  /** Distinct reason texts in the group with their counts, most frequent first. */
  readonly reasons: { readonly reason: string; readonly count: number }[];
  readonly items: ResumptionRow[];
  /** How many of the group RedriveExecution can take (execution failed, aborted or timed out). */
  readonly redrivable: number;
}

export interface FailuresView {
  readonly total: number;
  readonly groups: FailureGroup[];
}

export interface MetricsView {
  readonly from: string;
  readonly to: string;
  readonly minutes: MinuteMetrics[];
  readonly totals: { readonly returns: number; readonly associated: number; readonly skipped: number; readonly failed: number; readonly throttles: number };
  /** The shared Connect call budget, when the stack has one ("budget: not configured" otherwise). */
  readonly budget: null;
}

export interface RedriveResult {
  readonly instanceId: string;
  readonly contactId: string;
  readonly executionArn: string;
  readonly clientToken?: string;
  readonly result: 'redriven' | 'would redrive' | 'not redrivable';
  readonly detail?: string;
}

export class OpsQuery {
  private readonly store: ChatlineStore;
  private readonly sfn: SFNClient;
  private readonly resumeChatArn: string;
  private readonly now: () => Date;
  private readonly stuckAfterMs: number;

  constructor(sources: OpsSources) {
    this.store = sources.store;
    this.sfn = sources.sfn;
    this.resumeChatArn = sources.resumeChatArn;
    this.now = sources.now ?? (() => new Date());
    this.stuckAfterMs = (sources.stuckAfterSeconds ?? 600) * 1000;
  }

  /** The ARN of the resume-chat execution of a return (its name is derived, never stored). */
  executionArnOf(instanceId: string, contactId: string): string {
    return `${this.resumeChatArn.replace(':stateMachine:', ':execution:')}:${resumeExecutionName(instanceId, contactId)}`;
  }

  /** A customer id, or any contact id of any segment (every instance). */
  async search(term: string): Promise<SearchHit[]> {
    const q = term.trim();
    if (q === '') return [];
    const [byContact, byCustomer] = await Promise.all([this.store.findSegments({ contactId: q }), this.store.findSegments({ customerId: q })]);
    const hits: SearchHit[] = byCustomer.length > 0 ? [{ kind: 'customer', customerId: q }] : [];
    for (const s of byContact) {
      const sessionId = sessionIdOf(s);
      const customerId = s.customerId ?? (await this.store.listSessionSegments(s.instanceId, sessionId)).find((x) => x.customerId !== undefined)?.customerId;
      const isReturn = (await this.store.getResumption(s.instanceId, s.contactId)) !== undefined || (await this.store.getIntent(s.instanceId, s.contactId)) !== undefined;
      hits.push({ kind: 'contact', instanceId: s.instanceId, contactId: s.contactId, sessionId, ...(customerId !== undefined ? { customerId } : {}), isReturn });
    }
    return hits;
  }

  async resumptions(filter: ResumptionFilter = {}): Promise<ResumptionList> {
    const limit = Math.max(1, Math.min(1000, Math.floor(filter.limit ?? 50)));
    const statuses = filter.statuses?.length ? filter.statuses : undefined;
    const range = { ...(filter.since !== undefined ? { since: filter.since } : {}), ...(filter.until !== undefined ? { until: filter.until } : {}) };
    if (filter.customerId !== undefined) {
      const records = (await this.customerResumptions(filter.customerId)).filter((r) => matchesResumptionQuery(r, range));
      const offset = filter.cursor !== undefined ? Number.parseInt(filter.cursor, 10) || 0 : 0;
      const next = (total: number) => (offset + limit < total ? { next: String(offset + limit) } : {});
      // Filtered by outcome, every record is joined with its execution first; unfiltered, only the page is.
      if (statuses) {
        const rows = (await this.rows(records)).filter((r) => statuses.includes(r.outcome));
        return { items: rows.slice(offset, offset + limit), total: rows.length, ...next(rows.length) };
      }
      return { items: await this.rows(records.slice(offset, offset + limit)), total: records.length, ...next(records.length) };
    }
    // An outcome differs from its ledger status only for PLANNED records whose execution ended
    // badly (they are FAILED): asking for one of FAILED and PLANNED without the other reads the
    // PLANNED records whole and sorts them to their side.
    if (statuses && statuses.includes('FAILED') !== statuses.includes('PLANNED')) return this.outcomePage(statuses, range, limit, filter.cursor);
    const page = await this.store.pageResumptions({ limit, ...(statuses ? { statuses } : {}), ...range, ...(filter.cursor !== undefined ? { cursor: filter.cursor } : {}) });
    return { items: await this.rows(page.items), total: page.total, ...(page.next !== undefined ? { next: page.next } : {}) };
  }

  /**
   * One newest-first page of the records with these outcomes: the ledger's page of the other
   * statuses, merged with the PLANNED records (joined with their executions) whose outcome is
   * asked for. The total is exact; the cursor is the ledger's own.
   */
  private async outcomePage(statuses: readonly ResumptionStatus[], range: { since?: string; until?: string }, limit: number, cursor: string | undefined): Promise<ResumptionList> {
    const planned = (await this.rows(await this.allResumptions({ ...range, statuses: ['PLANNED'] }))).filter((r) => statuses.includes(r.outcome));
    const others = statuses.filter((s) => s !== 'PLANNED');
    const page = others.length > 0 ? await this.store.pageResumptions({ limit, statuses: others, ...range, ...(cursor !== undefined ? { cursor } : {}) }) : { items: [], total: 0 };
    const after = cursor === undefined ? undefined : decodeResumptionCursor(cursor);
    const candidates = [...(await this.rows(page.items)), ...planned.filter((r) => !after || compareResumptionsNewestFirst(r, after) > 0)].sort(compareResumptionsNewestFirst);
    const items = candidates.slice(0, limit);
    const last = items.at(-1);
    const more = page.next !== undefined || candidates.length > limit;
    return { items, total: page.total + planned.length, ...(more && last ? { next: encodeResumptionCursor(last) } : {}) };
  }

  async customer(customerId: string): Promise<CustomerView> {
    const segments = await this.customerSegments(customerId);
    const keys = new Set(segments.map((s) => `${s.instanceId}/${sessionIdOf(s)}`));
    const resumptions = new Map<string, Resumption>();
    const intents = new Map<string, ReturnIntent>();
    await Promise.all(
      [...keys].map(async (k) => {
        const [instanceId, contactId] = splitKey(k);
        const [r, i] = await Promise.all([this.store.getResumption(instanceId, contactId), this.store.getIntent(instanceId, contactId)]);
        if (r) resumptions.set(k, r.value);
        if (i) intents.set(k, i.value);
      }),
    );
    return { customerId, ...customerTimeline({ segments, resumptions, intents }) };
  }

  /**
   * The customer view with each return's outcome as `rows` reads it: a PLANNED return whose
   * execution failed, timed out or was aborted shows FAILED with the execution's error, and so
   * does its continuation edge (the ledger alone would say PLANNED with no reason).
   */
  async customerWithOutcomes(customerId: string): Promise<CustomerView> {
    const view = await this.customer(customerId);
    const planned = await Promise.all(
      view.sessions.filter((s) => s.return?.status === 'PLANNED').map(async (s) => (await this.store.getResumption(s.instanceId, s.sessionId))?.value),
    );
    const rows = await this.rows(planned.flatMap((r) => (r ? [r] : [])));
    const failed = new Map(rows.filter((r) => r.outcome === 'FAILED').map((r) => [`${r.instanceId}/${r.contactId}`, r]));
    if (failed.size === 0) return view;
    const sessions = view.sessions.map((s) => {
      const row = failed.get(`${s.instanceId}/${s.sessionId}`);
      return row && s.return ? { ...s, return: { ...s.return, status: 'FAILED' as const, ...(row.reason !== undefined ? { reason: row.reason } : {}) } } : s;
    });
    const failedSessions = new Set([...failed.values()].map((r) => r.contactId));
    const edges = view.edges.map((e) => (e.state === 'planned' && failedSessions.has(e.toSessionId) ? { ...e, state: 'failed' as const } : e));
    return { ...view, sessions, edges };
  }

  async resumption(instanceId: string, contactId: string): Promise<ResumptionView | undefined> {
    const [record, intent] = await Promise.all([this.store.getResumption(instanceId, contactId), this.store.getIntent(instanceId, contactId)]);
    if (!record) return undefined;
    const [row] = await this.rows([record.value]);
    const plan = record.value.plan;
    const past = plan ? await this.store.listSessionSegments(instanceId, plan.pastSessionId) : [];
    const { shown, hidden } = plan ? shownAndHidden(plan, past) : { shown: [], hidden: [] };
    const own = await this.store.getSegment(instanceId, contactId);
    const customerId = intent?.value.customerId ?? own?.value.customerId ?? past.find((s) => s.customerId !== undefined)?.customerId;
    const history = row?.execution && row.execution.status !== 'NOT_FOUND' ? readHistory(await this.history(row.execution.arn)) : undefined;
    return {
      resumption: row as ResumptionRow,
      ...(intent ? { intent: intent.value } : {}),
      ...(customerId !== undefined ? { customerId } : {}),
      shown,
      hidden,
      ...(history ? { history } : {}),
    };
  }

  /**
   * Failed and stuck resumptions grouped by what went wrong: ledger FAILED, and PLANNED records
   * whose execution ended badly or that have been planned for longer than `stuckAfterSeconds`.
   */
  async failures(filter: Pick<ResumptionFilter, 'since' | 'until'> = {}): Promise<FailuresView> {
    const rows = await this.failedRows(filter);
    const groups = new Map<string, { kind: FailureKind; items: ResumptionRow[] }>();
    for (const row of rows) {
      const kind = classifyFailure(row.reason);
      const g = groups.get(kind.key) ?? { kind, items: [] };
      g.items.push(row);
      groups.set(kind.key, g);
    }
    const out = [...groups.values()]
      .map(({ kind, items }): FailureGroup => {
        const reasons = new Map<string, number>();
        for (const r of items) reasons.set(r.reason ?? '', (reasons.get(r.reason ?? '') ?? 0) + 1);
        return {
          kind,
          count: items.length,
          reasons: [...reasons.entries()].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
          items,
          redrivable: items.filter((r) => r.execution && REDRIVABLE.has(r.execution.status)).length,
        };
      })
      .sort((a, b) => b.count - a.count || a.kind.key.localeCompare(b.kind.key));
    return { total: rows.length, groups: out };
  }

  /** Per-minute figures between `from` and `to` (default: the last 60 minutes). */
  async metrics(window: { from?: string; to?: string } = {}): Promise<MetricsView> {
    const to = window.to ?? this.now().toISOString();
    const from = window.from ?? new Date(Date.parse(to) - 60 * 60_000).toISOString();
    // Records created up to an hour before the window can still finish inside it.
    const records = await this.allResumptions({ since: new Date(Date.parse(from) - 60 * 60_000).toISOString(), until: to });
    const metricRecords: MetricRecord[] = [];
    const throttles: string[] = [];
    await forEachLimited(records, 16, async (r) => {
      const intent = await this.store.getIntent(r.instanceId, r.contactId);
      metricRecords.push({ status: r.status, returnedAt: intent?.value.detectedAt ?? r.createdAt, updatedAt: r.updatedAt });
      // One call is the normal case; only a record with more than one attempt can hold a throttle.
      if (r.attempts > 1) {
        const reading = readHistory(await this.history(this.executionArnOf(r.instanceId, r.contactId)).catch(() => []));
        for (const a of reading.attempts) if (a.error !== undefined && classifyFailure(a.error).key === 'throttled') throttles.push(a.answeredAt ?? a.at);
      }
    });
    const minutes = metricsPerMinute(metricRecords, throttles, from, to);
    const sum = (k: 'returns' | 'associated' | 'skipped' | 'failed' | 'throttles') => minutes.reduce((n, m) => n + m[k], 0);
    return {
      from,
      to,
      minutes,
      totals: { returns: sum('returns'), associated: sum('associated'), skipped: sum('skipped'), failed: sum('failed'), throttles: sum('throttles') },
      budget: null,
    };
  }

  /**
   * Redrives the failed resumptions the filter selects (RedriveExecution: the execution continues
   * from the state that failed, with its input, so the Connect call carries the same stored
   * ClientToken and a call that had committed is answered, not made again). `dryRun` only says
   * which would be redriven.
   */
  async redrive(filter: Pick<ResumptionFilter, 'since' | 'until'> & { readonly reason?: string; readonly contacts?: readonly { instanceId: string; contactId: string }[]; readonly dryRun?: boolean }): Promise<RedriveResult[]> {
    const selected = filter.contacts
      ? await this.rows((await Promise.all(filter.contacts.map((c) => this.store.getResumption(c.instanceId, c.contactId)))).flatMap((v) => (v ? [v.value] : [])))
      : await this.failedRows(filter);
    const wanted = selected.filter((r) => filter.reason === undefined || classifyFailure(r.reason).key === filter.reason || (r.reason ?? '').includes(filter.reason));
    const results: RedriveResult[] = [];
    for (const r of wanted) {
      const executionArn = this.executionArnOf(r.instanceId, r.contactId);
      const base = { instanceId: r.instanceId, contactId: r.contactId, executionArn, ...(r.plan ? { clientToken: r.plan.clientToken } : {}) };
      if (!r.execution || !REDRIVABLE.has(r.execution.status)) {
        results.push({ ...base, result: 'not redrivable', detail: `execution ${r.execution?.status ?? 'NOT_FOUND'}: only failed, aborted or timed-out executions can be redriven` });
        continue;
      }
      if (filter.dryRun) {
        results.push({ ...base, result: 'would redrive' });
        continue;
      }
      try {
        await this.sfn.send(new RedriveExecutionCommand({ executionArn }));
        results.push({ ...base, result: 'redriven' });
      } catch (err) {
        results.push({ ...base, result: 'not redrivable', detail: `${(err as Error).name}: ${(err as Error).message}` });
      }
    }
    return results;
  }

  private async failedRows(filter: Pick<ResumptionFilter, 'since' | 'until'>): Promise<ResumptionRow[]> {
    const range = { ...(filter.since !== undefined ? { since: filter.since } : {}), ...(filter.until !== undefined ? { until: filter.until } : {}) };
    const [failed, planned] = await Promise.all([this.allResumptions({ ...range, statuses: ['FAILED'] }), this.allResumptions({ ...range, statuses: ['PLANNED'] })]);
    const rows = await this.rows([...failed, ...planned]);
    const now = this.now().getTime();
    const stuck = (r: ResumptionRow) => r.outcome === 'PLANNED' && now - Date.parse(r.updatedAt) > this.stuckAfterMs;
    return rows
      .filter((r) => r.outcome === 'FAILED' || stuck(r))
      .map((r) => (stuck(r) ? { ...r, reason: `stuck: planned since ${r.updatedAt}, execution ${r.execution?.status ?? 'NOT_FOUND'}` } : r));
  }

  /** Every record of a filter, a page at a time. */
  private async allResumptions(q: { statuses?: ResumptionStatus[]; since?: string; until?: string }): Promise<Resumption[]> {
    const out: Resumption[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.store.pageResumptions({ ...q, limit: 1000, ...(cursor ? { cursor } : {}) });
      out.push(...page.items);
      cursor = page.next;
    } while (cursor);
    return out;
  }

  private async customerSegments(customerId: string): Promise<Segment[]> {
    const tagged = await this.store.findSegments({ customerId });
    const sessions = new Map<string, { instanceId: string; sessionId: string }>();
    for (const s of tagged) sessions.set(`${s.instanceId}/${sessionIdOf(s)}`, { instanceId: s.instanceId, sessionId: sessionIdOf(s) });
    const all = await Promise.all([...sessions.values()].map((s) => this.store.listSessionSegments(s.instanceId, s.sessionId)));
    return all.flat();
  }

  private async customerResumptions(customerId: string): Promise<Resumption[]> {
    const segments = await this.customerSegments(customerId);
    const keys = [...new Set(segments.map((s) => `${s.instanceId}/${sessionIdOf(s)}`))];
    const found = await Promise.all(keys.map((k) => this.store.getResumption(...splitKey(k))));
    return found
      .flatMap((v) => (v ? [v.value] : []))
      .sort((a, b) => (a.createdAt !== b.createdAt ? (a.createdAt < b.createdAt ? 1 : -1) : a.contactId < b.contactId ? 1 : -1));
  }

  /** Ledger records joined with their executions (a PLANNED one with a failed execution is FAILED). */
  private async rows(records: readonly Resumption[]): Promise<ResumptionRow[]> {
    const out: ResumptionRow[] = new Array<ResumptionRow>(records.length);
    await forEachLimited(
      records.map((r, i) => [r, i] as const),
      16,
      async ([r, i]) => {
        const execution = await this.describe(this.executionArnOf(r.instanceId, r.contactId));
        const failedExecution = r.status === 'PLANNED' && ENDED_BADLY.has(execution.status);
        const reason = r.reason ?? (failedExecution ? [execution.error, execution.cause].filter((x) => x).join(': ') || `execution ${execution.status}` : undefined);
        const plan = planRow(r);
        out[i] = {
          instanceId: r.instanceId,
          contactId: r.contactId,
          status: r.status,
          outcome: failedExecution ? 'FAILED' : r.status,
          ...(r.via !== undefined ? { via: r.via } : {}),
          ...(reason !== undefined ? { reason } : {}),
          attempts: r.attempts,
          ...(plan ? { plan } : {}),
          ...(r.continuedFromContactId !== undefined ? { continuedFromContactId: r.continuedFromContactId } : {}),
          createdAt: r.createdAt,
          updatedAt: r.updatedAt,
          execution,
        };
      },
    );
    return out;
  }

  private async describe(arn: string): Promise<ExecutionSummary> {
    const name = arn.split(':').pop() as string;
    let out: DescribeExecutionCommandOutput;
    try {
      out = await this.sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
    } catch (err) {
      if ((err as Error).name === 'ExecutionDoesNotExist') return { name, arn, status: 'NOT_FOUND' };
      throw err;
    }
    return {
      name,
      arn,
      status: out.status ?? 'UNKNOWN',
      ...(out.startDate ? { startDate: out.startDate.toISOString() } : {}),
      ...(out.stopDate ? { stopDate: out.stopDate.toISOString() } : {}),
      ...(out.error !== undefined ? { error: out.error } : {}),
      ...(out.cause !== undefined ? { cause: out.cause } : {}),
      ...(out.redriveCount !== undefined ? { redriveCount: out.redriveCount } : {}),
    };
  }

  /** The whole history of one execution, oldest first (a resume-chat history is tens of events). */
  private async history(executionArn: string): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, includeExecutionData: true, ...(nextToken ? { nextToken } : {}) }));
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken && events.length < 25_000);
    return events;
  }
}

function splitKey(k: string): [string, string] {
  const at = k.indexOf('/');
  return [k.slice(0, at), k.slice(at + 1)];
}

/** Runs `fn` over `items` with at most `limit` at once. */
async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
