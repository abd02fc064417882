/** The pure parts of the ops layer: history reading, failure words, per-minute metrics, shown/hidden. */
import type { Segment } from '../../core/lineage';
import { classifyFailure, FAILURE_KEYS } from '../../ops/failures';
import type { HistoryEventLike } from '../../ops/history';
import { readHistory, waitKindOf } from '../../ops/history';
import { metricsPerMinute, minuteOf, percentile } from '../../ops/metrics';
import { shownAndHidden } from '../../ops/timeline';

const t = (s: number): Date => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
const cpca = { resourceType: 'aws-sdk:connect', resource: 'createPersistentContactAssociation' };

describe('readHistory', () => {
  const params = JSON.stringify({ ClientToken: 'chatline-tok' });
  const events: HistoryEventLike[] = [
    { id: 1, type: 'ExecutionStarted', timestamp: t(0) },
    { id: 2, type: 'WaitStateEntered', timestamp: t(0), stateEnteredEventDetails: { name: 'WaitForTranscripts' } },
    { id: 3, type: 'WaitStateExited', timestamp: t(30), stateExitedEventDetails: { name: 'WaitForTranscripts' } },
    { id: 4, type: 'TaskStateEntered', timestamp: t(30), stateEnteredEventDetails: { name: 'Associate' } },
    { id: 5, type: 'TaskScheduled', timestamp: t(30), taskScheduledEventDetails: { ...cpca, parameters: params } },
    { id: 6, type: 'TaskFailed', timestamp: t(31), taskFailedEventDetails: { ...cpca, error: 'Connect.ThrottlingException', cause: 'Rate exceeded' } },
    { id: 7, type: 'TaskScheduled', timestamp: t(33), taskScheduledEventDetails: { ...cpca, parameters: params } },
    { id: 8, type: 'TaskFailed', timestamp: t(34), taskFailedEventDetails: { ...cpca, error: 'Connect.ThrottlingException', cause: 'Rate exceeded' } },
    { id: 9, type: 'ExecutionFailed', timestamp: t(34), executionFailedEventDetails: { error: 'Connect.ThrottlingException', cause: 'Rate exceeded' } },
    { id: 10, type: 'ExecutionRedriven', timestamp: t(100), executionRedrivenEventDetails: { redriveCount: 1 } },
    { id: 11, type: 'TaskScheduled', timestamp: t(100), taskScheduledEventDetails: { ...cpca, parameters: params } },
    { id: 12, type: 'TaskSucceeded', timestamp: t(101), taskSucceededEventDetails: { ...cpca, output: JSON.stringify({ ContinuedFromContactId: 'C2' }) } },
    { id: 13, type: 'ExecutionSucceeded', timestamp: t(102) },
  ];

  it('reads every attempt with Connect answer and token, the waits including retry backoff, and redrives', () => {
    const r = readHistory(events);
    expect(r.attempts.map((a) => [a.n, a.answer, a.error ?? null, a.clientToken, a.continuedFromContactId ?? null])).toEqual([
      [1, 'failed', 'Connect.ThrottlingException', 'chatline-tok', null],
      [2, 'failed', 'Connect.ThrottlingException', 'chatline-tok', null],
      [3, 'succeeded', null, 'chatline-tok', 'C2'],
    ]);
    expect(r.waits).toEqual([
      { kind: 'readiness', state: 'WaitForTranscripts', from: t(0).toISOString(), to: t(30).toISOString(), seconds: 30 },
      { kind: 'retry backoff', state: 'Associate', from: t(31).toISOString(), to: t(33).toISOString(), seconds: 2 },
    ]);
    expect(r.redrives).toBe(1);
    expect(r.failure).toBeUndefined();
    expect(r.timeline.find((e) => e.id === 6)).toEqual({ id: 6, type: 'TaskFailed', at: t(31).toISOString(), state: 'Associate', detail: 'Connect.ThrottlingException: Rate exceeded' });
  });

  it('keeps the failure of an execution that has not been redriven, and a call still unanswered', () => {
    expect(readHistory(events.slice(0, 9)).failure).toEqual({ error: 'Connect.ThrottlingException', cause: 'Rate exceeded' });
    expect(readHistory(events.slice(0, 7)).attempts.at(-1)).toMatchObject({ n: 2, answer: 'no answer yet' });
    expect(readHistory(events.slice(0, 2)).waits).toEqual([{ kind: 'readiness', state: 'WaitForTranscripts', from: t(0).toISOString() }]);
  });

  it('names waits by their state', () => {
    expect(waitKindOf('WaitUntilReady')).toBe('readiness');
    expect(waitKindOf('WaitForBudgetSlot')).toBe('budget');
    expect(waitKindOf('Pause')).toBe('wait');
  });
});

describe('classifyFailure', () => {
  it.each([
    ['Connect.ThrottlingException: Rate exceeded', 'throttled'],
    ['Connect.InternalServiceException: Request processing failed', 'connect-error'],
    ['States.Timeout', 'connect-error'],
    ['Connect.InvalidRequestException: Contact N1 is not active', 'contact-not-active'],
    ['Connect.InvalidRequestException: The past chat session of C1 has not ended', 'past-not-ended'],
    ['Connect.ResourceNotFoundException: Contact not found: X', 'unknown-contact'],
    ['Connect.InvalidRequestException: Contact N1 is already a persistent chat', 'already-persistent'],
    ['Connect.AccessDeniedException: no', 'rejected-request'],
    ['customer c has no past session in the lineage yet', 'no-past-session'],
    ['stuck: planned since 2026-01-01', 'stuck'],
    ['something new', 'other'],
    [undefined, 'other'],
  ])('%s → %s', (reason, key) => {
    const kind = classifyFailure(reason);
    expect(kind.key).toBe(key);
    expect(kind.explanation.length).toBeGreaterThan(20);
    expect(FAILURE_KEYS).toContain(key);
  });
});

describe('metricsPerMinute', () => {
  it('buckets returns by detection and outcomes by record time, with nearest-rank latency percentiles and empty minutes', () => {
    const rows = metricsPerMinute(
      [
        { status: 'ASSOCIATED', returnedAt: '2026-01-01T00:00:10.000Z', updatedAt: '2026-01-01T00:01:10.000Z' },
        { status: 'ASSOCIATED', returnedAt: '2026-01-01T00:00:20.000Z', updatedAt: '2026-01-01T00:01:40.000Z' },
        { status: 'FAILED', returnedAt: '2026-01-01T00:00:30.000Z', updatedAt: '2026-01-01T00:00:50.000Z' },
        { status: 'SKIPPED', returnedAt: '2026-01-01T00:02:30.000Z', updatedAt: '2026-01-01T00:02:31.000Z' },
        { status: 'PLANNED', returnedAt: '2026-01-01T00:09:00.000Z', updatedAt: '2026-01-01T00:09:00.000Z' },
      ],
      ['2026-01-01T00:01:05.000Z', '2026-01-01T00:01:06.000Z'],
      '2026-01-01T00:00:30.000Z',
      '2026-01-01T00:04:00.000Z',
    );
    expect(rows.map((r) => r.minute.slice(11, 16))).toEqual(['00:00', '00:01', '00:02', '00:03']);
    expect(rows[0]).toEqual({ minute: '2026-01-01T00:00:00.000Z', returns: 3, associated: 0, skipped: 0, failed: 1, throttles: 0 });
    expect(rows[1]).toEqual({ minute: '2026-01-01T00:01:00.000Z', returns: 0, associated: 2, skipped: 0, failed: 0, latencyP50: 60, latencyP99: 80, throttles: 2 });
    expect(rows[2]).toMatchObject({ returns: 1, skipped: 1 });
    expect(rows[3]).toEqual({ minute: '2026-01-01T00:03:00.000Z', returns: 0, associated: 0, skipped: 0, failed: 0, throttles: 0 });
  });

  it('percentile and minute helpers', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(minuteOf('2026-01-01T00:01:59.999Z')).toBe('2026-01-01T00:01:00.000Z');
  });
});

describe('shownAndHidden', () => {
  const seg = (contactId: string, extra: Partial<Segment> = {}): Segment => ({ instanceId: 'i', contactId, eventTypes: [], ...extra });
  const session = [
    seg('C1', { disconnectedAt: '2026-01-01T00:01:00.000Z' }),
    seg('C2', { initialContactId: 'C1', previousContactId: 'C1', initiationMethod: 'TRANSFER', disconnectedAt: '2026-01-01T00:02:00.000Z' }),
    seg('C3', { initialContactId: 'C1', previousContactId: 'C2', initiationMethod: 'DISCONNECT', disconnectedAt: '2026-01-01T00:03:00.000Z' }),
  ];
  it('FROM_SEGMENT at C2 shows C1, C2 and hides the survey C3; ENTIRE_PAST_SESSION shows all', () => {
    expect(shownAndHidden({ rehydrationType: 'FROM_SEGMENT', sourceContactId: 'C2' }, session)).toEqual({ shown: ['C1', 'C2'], hidden: ['C3'] });
    expect(shownAndHidden({ rehydrationType: 'ENTIRE_PAST_SESSION', sourceContactId: 'C1' }, session)).toEqual({ shown: ['C1', 'C2', 'C3'], hidden: [] });
    expect(shownAndHidden({ rehydrationType: 'FROM_SEGMENT', sourceContactId: 'C1' }, session)).toEqual({ shown: ['C1'], hidden: ['C2', 'C3'] });
  });
});
