/**
 * EventBridge over awsJson1_1 (X-Amz-Target: AWSEvents.<Op>): PutEvents (request-level
 * validation here, per-entry results from the bus), TestEventPattern (core/event-pattern),
 * ListRules and DescribeRule for the bus's rules.
 */
import { parseIsoInstant } from '../../core/schemas';
import { InvalidEventPatternError, matchesEventPattern, validateEventPattern } from '../../core/event-pattern';
import { MAX_ENTRY_BYTES, putEventsEntrySize } from '../bus';
import type { BusEntry, EventBusBackend, RejectedInput, RuleView } from './backends';
import { AwsApiError, decodeToken, encodeToken, pageSize, read, serializationError, validationError } from './wire';

type Req = Record<string, unknown>;
type Op = (req: Req) => Promise<unknown> | unknown;

export interface EventsApiOptions {
  readonly bus: EventBusBackend;
  readonly rules: () => readonly RuleView[];
  readonly accountId: string;
  readonly region: string;
  /** Keeps each entry the bus refused, with its error code and message. */
  readonly onRejected?: (rejection: RejectedInput) => Promise<void>;
}

/** Fields TestEventPattern requires in the event (API reference, TestEventPattern `Event`). */
const REQUIRED_EVENT_FIELDS = ['id', 'account', 'source', 'time', 'region', 'resources', 'detail-type'];
const RULE_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;

export function createEventsApi(o: EventsApiOptions): Record<string, Op> {
  const busArn = `arn:aws:events:${o.region}:${o.accountId}:event-bus/${o.bus.busName}`;
  const busOf = (req: Req): string => {
    const name = read.string(req, 'EventBusName');
    if (name === undefined || name === o.bus.busName || name === busArn) return o.bus.busName;
    throw new AwsApiError('ResourceNotFoundException', `Event bus ${name} does not exist.`);
  };
  const ruleArn = (name: string): string => `arn:aws:events:${o.region}:${o.accountId}:rule/${o.bus.busName === 'default' ? '' : `${o.bus.busName}/`}${name}`;
  const describe = (r: RuleView): Record<string, unknown> => ({
    Name: r.name,
    Arn: ruleArn(r.name),
    EventPattern: typeof r.pattern === 'string' ? r.pattern : JSON.stringify(r.pattern),
    State: r.state ?? 'ENABLED',
    ...(r.description !== undefined ? { Description: r.description } : {}),
    EventBusName: o.bus.busName,
  });

  return {
    async PutEvents(req) {
      const entries = read.array(req, 'Entries');
      if (entries === undefined) throw validationError('entries', null, 'Member must not be null');
      if (entries.length < 1) throw validationError('entries', '[]', 'Member must have length greater than or equal to 1');
      if (entries.length > 10) throw validationError('entries', `[${entries.length} entries]`, 'Member must have length less than or equal to 10');
      const busEntries = entries.map((raw, i) => toBusEntry(raw, i));
      const total = busEntries.reduce((n, e) => n + putEventsEntrySize(e), 0);
      if (total > MAX_ENTRY_BYTES) throw new AwsApiError('ValidationException', `Total size of the entries in the request is over the limit (${total} > ${MAX_ENTRY_BYTES} bytes).`);
      const { Entries, FailedEntryCount } = await o.bus.putEvents(busEntries);
      if (o.onRejected) {
        for (const [i, r] of Entries.entries()) {
          if (r.ErrorCode !== undefined) await o.onRejected({ reason: `${r.ErrorCode}: ${r.ErrorMessage ?? ''}`, event: entries[i], origin: `AWSEvents.PutEvents entry ${i}` }).catch(() => undefined);
        }
      }
      return { FailedEntryCount, Entries };
    },

    TestEventPattern(req) {
      const patternText = read.requiredString(req, 'EventPattern');
      const eventText = read.requiredString(req, 'Event');
      let pattern;
      try {
        pattern = validateEventPattern(patternText);
      } catch (e) {
        if (e instanceof InvalidEventPatternError) throw new AwsApiError('InvalidEventPatternException', e.message); // already "Event pattern is not valid. Reason: …"
        throw e;
      }
      let event: unknown;
      try {
        event = JSON.parse(eventText);
      } catch {
        throw new AwsApiError('ValidationException', 'Parameter Event is not valid.');
      }
      if (typeof event !== 'object' || event === null || Array.isArray(event)) throw new AwsApiError('ValidationException', 'Parameter Event is not valid.');
      const missing = REQUIRED_EVENT_FIELDS.filter((f) => !(f in event));
      if (missing.length > 0) throw new AwsApiError('ValidationException', `Parameter Event is not valid. Reason: Provided Event is missing required field(s): ${missing.join(', ')}`);
      return { Result: matchesEventPattern(pattern, event) };
    },

    ListRules(req) {
      busOf(req);
      const prefix = read.string(req, 'NamePrefix') ?? '';
      const limit = pageSize(req, 'Limit', { min: 1, max: 100, fallback: 100 });
      const scope = `rules|${prefix}`;
      const token = read.string(req, 'NextToken');
      const cursor = token === undefined ? undefined : decodeToken<string>(token, scope);
      if (token !== undefined && cursor === undefined) throw new AwsApiError('ValidationException', 'The NextToken is invalid.');
      const all = o
        .rules()
        .filter((r) => r.name.startsWith(prefix))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .filter((r) => cursor === undefined || r.name > cursor);
      const page = all.slice(0, limit);
      const last = page[page.length - 1];
      return { Rules: page.map(describe), ...(all.length > page.length && last ? { NextToken: encodeToken(scope, last.name) } : {}) };
    },

    DescribeRule(req) {
      const name = read.requiredString(req, 'Name');
      if (!RULE_NAME.test(name)) throw validationError('name', name, 'Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+');
      const bus = busOf(req);
      const rule = o.rules().find((r) => r.name === name);
      if (!rule) throw new AwsApiError('ResourceNotFoundException', `Rule ${name} does not exist on EventBus ${bus}.`);
      return { ...describe(rule), CreatedBy: o.accountId };
    },
  };
}

/** One wire entry → the bus's entry; wrong JSON types are a SerializationException for the whole request. */
function toBusEntry(raw: unknown, index: number): BusEntry {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw serializationError(`Entries[${index}] must be an object`);
  const e = raw as Req;
  const resources = read.array(e, 'Resources');
  if (resources && !resources.every((r) => typeof r === 'string')) throw serializationError(`Entries[${index}].Resources must be a list of strings`);
  const time = e['Time'];
  let at: Date | undefined;
  if (time !== undefined && time !== null) {
    // awsJson timestamps are epoch seconds; ISO text is accepted from hand-written clients.
    const ms = typeof time === 'number' ? time * 1000 : typeof time === 'string' ? parseIsoInstant(time) : undefined;
    at = ms === undefined ? undefined : new Date(ms);
    if (!at || Number.isNaN(at.getTime())) throw serializationError(`Entries[${index}].Time must be a timestamp`);
  }
  const entry: BusEntry = {};
  const source = read.string(e, 'Source');
  const detailType = read.string(e, 'DetailType');
  const detail = read.string(e, 'Detail');
  const busName = read.string(e, 'EventBusName');
  read.string(e, 'TraceHeader');
  if (source !== undefined) entry.Source = source;
  if (detailType !== undefined) entry.DetailType = detailType;
  if (detail !== undefined) entry.Detail = detail;
  if (resources) entry.Resources = resources as string[];
  if (at) entry.Time = at;
  if (busName !== undefined) entry.EventBusName = busName;
  return entry;
}
