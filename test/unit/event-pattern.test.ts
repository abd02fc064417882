/**
 * EventBridge event-pattern matcher, tested against the documented examples.
 *
 * Sources (Amazon EventBridge User Guide, docs.aws.amazon.com/eventbridge/latest/userguide/...):
 *  [CREATE]  eb-event-patterns.html / eb-create-pattern.html — "Creating event patterns"
 *            (EC2 example event and pattern, "Matching event values", same nesting structure)
 *  [VALUES]  eb-filtering-data-types.html — "Matching events on event field values" (Macie example)
 *  [NULL]    eb-event-patterns-null-values.html — "Matching null values and empty strings"
 *  [ARRAYS]  eb-event-patterns-arrays.html / arrays-in-eventbridge-event-patterns.html — "Arrays in event patterns"
 *  [FILTER]  eb-event-patterns-content-based-filtering.html — "Content filtering in event patterns"
 *            (prefix, anything-but, numeric, IP address, exists, complex example)
 *  [OPS]     eb-create-pattern-operators.html — "Comparison operators" (summary table and sections:
 *            prefix/suffix with equals-ignore-case, anything-but variants, wildcard, exists, $or)
 * Amazon Connect Administrator Guide, contact-events.html — "Amazon Connect contact events" (sample event).
 * Where the guide is silent (validation messages, anything-but on absent fields, arrays of objects)
 * the behaviour follows the open-source engine EventBridge documents as its matcher, aws/event-ruler
 * (README and JsonRuleCompiler.java); those cases say "event-ruler" in their names.
 */
import {
  InvalidEventPatternError,
  matchesEventPattern,
  validateEventPattern,
  type EventPattern,
} from '../../core/event-pattern';

interface Case {
  readonly name: string;
  readonly pattern: EventPattern;
  readonly event: unknown;
  readonly expected: boolean;
}

/** [CREATE] example event from Amazon EC2. */
const ec2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};
const ec2Pattern: EventPattern = {
  source: ['aws.ec2'],
  'detail-type': ['EC2 Instance State-change Notification'],
  detail: { state: ['terminated'] },
};

/** [NULL] / [VALUES] Auto Scaling example event. */
const autoscalingEvent = {
  version: '0',
  id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
  'detail-type': 'EC2 Instance Launch Successful',
  source: 'aws.autoscaling',
  account: '123456789012',
  time: '2015-11-11T21:31:47Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventVersion: '', responseElements: null },
};

/** [VALUES] Macie finding (truncated as in the guide). */
const macieEvent = {
  version: '0',
  id: '0948ba87-d3b8-c6d4-f2da-732a1example',
  'detail-type': 'Macie Finding',
  source: 'aws.macie',
  account: '123456789012',
  time: '2021-04-29T23:12:15Z',
  region: 'us-east-1',
  resources: [],
  detail: {
    schemaVersion: '1.0',
    type: 'Policy:IAMUser/S3BucketEncryptionDisabled',
    severity: { score: 1, description: 'Low' },
    count: 2,
  },
};

/** [FILTER] / event-ruler README sample event used by the content-filtering examples. */
const filterEvent = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};
const withDetail = (detail: Record<string, unknown>): unknown => ({ ...filterEvent, detail });

/** [FILTER] "Complex example with multiple matching". */
const complexPattern: EventPattern = {
  time: [{ prefix: '2017-10-02' }],
  detail: {
    state: [{ 'anything-but': 'initializing' }],
    'c-count': [{ numeric: ['>', 0, '<=', 5] }],
    'd-count': [{ numeric: ['<', 10] }],
    'x-limit': [{ 'anything-but': [100, 200, 300] }],
  },
};

/** Amazon Connect contact event (Admin Guide, contact-events: "Amazon Connect Contact Event", INITIATED, CHAT). */
const connectChatEvent = {
  version: '0',
  id: '6f3d5b4e-9a7c-4c3e-8c2b-2f1e0d9c8b7a',
  'detail-type': 'Amazon Connect Contact Event',
  source: 'aws.connect',
  account: '111122223333',
  time: '2024-03-01T12:00:00Z',
  region: 'us-west-2',
  resources: [
    'arn:aws:connect:us-west-2:111122223333:instance/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
    'arn:aws:connect:us-west-2:111122223333:instance/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111/contact/c0ffee00-1111-2222-3333-EXAMPLE22222',
  ],
  detail: {
    eventType: 'INITIATED',
    contactId: 'c0ffee00-1111-2222-3333-EXAMPLE22222',
    channel: 'CHAT',
    instanceArn: 'arn:aws:connect:us-west-2:111122223333:instance/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
    initiationMethod: 'API',
    initiationTimestamp: '2024-03-01T12:00:00.000Z',
    queueInfo: null,
  },
};
const connectChatPattern: EventPattern = {
  source: ['aws.connect'],
  'detail-type': ['Amazon Connect Contact Event'],
  detail: { channel: ['CHAT'] },
};

const cases: readonly Case[] = [
  // ---- [CREATE] Creating event patterns ----
  { name: '[CREATE] EC2 terminated pattern matches the example EC2 event', pattern: ec2Pattern, event: ec2Event, expected: true },
  { name: '[CREATE] EC2 terminated pattern does not match state "running"', pattern: ec2Pattern, event: { ...ec2Event, detail: { ...ec2Event.detail, state: 'running' } }, expected: false },
  { name: '[CREATE] Matching event values: ["aws.ec2","aws.fargate"] is an OR (fargate matches)', pattern: { source: ['aws.ec2', 'aws.fargate'] }, event: { ...ec2Event, source: 'aws.fargate' }, expected: true },
  { name: '[CREATE] Matching event values: ["aws.ec2","aws.fargate"] does not match aws.s3', pattern: { source: ['aws.ec2', 'aws.fargate'] }, event: { ...ec2Event, source: 'aws.s3' }, expected: false },
  { name: '[CREATE] the event must contain all field names in the pattern (detail.state missing)', pattern: ec2Pattern, event: { ...ec2Event, detail: { 'instance-id': 'i-1234567890abcdef0' } }, expected: false },
  { name: '[CREATE] fields must appear with the same nesting structure (state is not top level)', pattern: { state: ['terminated'] }, event: ec2Event, expected: false },
  { name: '[OPS] And: Location "New York" and Day "Monday" both present', pattern: { Location: ['New York'], Day: ['Monday'] }, event: { Location: 'New York', Day: 'Monday' }, expected: true },
  { name: '[OPS] And: Location "New York" and Day "Monday", Day differs', pattern: { Location: ['New York'], Day: ['Monday'] }, event: { Location: 'New York', Day: 'Tuesday' }, expected: false },
  { name: '[OPS] Equals: Name "Alice" is case-sensitive', pattern: { Name: ['Alice'] }, event: { Name: 'alice' }, expected: false },

  // ---- [VALUES] / [NULL] field values, null and empty strings ----
  { name: '[VALUES] Field matching: source, detail-type and responseElements [null]', pattern: { source: ['aws.autoscaling'], 'detail-type': ['EC2 Instance Launch Successful'], detail: { responseElements: [null] } }, event: autoscalingEvent, expected: true },
  { name: '[VALUES] Value matching: Macie severity score 1 and count 2', pattern: { source: ['aws.macie'], 'detail-type': ['Macie Finding'], detail: { severity: { score: [1] }, count: [2] } }, event: macieEvent, expected: true },
  { name: '[VALUES] Value matching: Macie count 2 does not match count 3', pattern: { source: ['aws.macie'], detail: { severity: { score: [1] }, count: [3] } }, event: macieEvent, expected: false },
  { name: '[VALUES] numbers compare numerically: pattern 1.0 matches score 1', pattern: { detail: { severity: { score: [1.0] } } }, event: macieEvent, expected: true },
  { name: '[VALUES] a JSON number does not match the string "2"', pattern: { detail: { count: ['2'] } }, event: macieEvent, expected: false },
  { name: '[NULL] eventVersion [""] matches the empty string', pattern: { detail: { eventVersion: [''] } }, event: autoscalingEvent, expected: true },
  { name: '[NULL] responseElements [null] matches null', pattern: { detail: { responseElements: [null] } }, event: autoscalingEvent, expected: true },
  { name: '[NULL] null and empty string are not interchangeable: [""] vs null', pattern: { detail: { responseElements: [''] } }, event: autoscalingEvent, expected: false },
  { name: '[NULL] null and empty string are not interchangeable: [null] vs ""', pattern: { detail: { eventVersion: [null] } }, event: autoscalingEvent, expected: false },
  { name: '[NULL] [null] does not match a missing field', pattern: { detail: { missing: [null] } }, event: autoscalingEvent, expected: false },

  // ---- [ARRAYS] ----
  {
    name: '[ARRAYS] pattern array intersects event resources array (second item)',
    pattern: {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    },
    event: {
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    },
    expected: true,
  },
  {
    name: '[ARRAYS] empty intersection with the event array does not match',
    pattern: { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f'] },
    event: { resources: ['arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f'] },
    expected: false,
  },
  { name: '[ARRAYS] event-ruler README: detail.state ["initializing","running"] matches "running"', pattern: { detail: { state: ['initializing', 'running'] } }, event: filterEvent, expected: true },

  // ---- [FILTER]/[OPS] prefix ----
  { name: '[FILTER] Prefix matching: time prefix "2017-10-02" matches 2017-10-02T18:43:48Z', pattern: { time: [{ prefix: '2017-10-02' }] }, event: { time: '2017-10-02T18:43:48Z' }, expected: true },
  { name: '[FILTER] Prefix matching: time prefix "2017-10-02" does not match 2017-10-03', pattern: { time: [{ prefix: '2017-10-02' }] }, event: { time: '2017-10-03T18:43:48Z' }, expected: false },
  { name: '[FILTER] Prefix matching is for string values (number 2017 does not match "20")', pattern: { year: [{ prefix: '20' }] }, event: { year: 2017 }, expected: false },
  { name: '[OPS] Begins with: Region prefix "us-" matches us-east-1', pattern: { Region: [{ prefix: 'us-' }] }, event: { Region: 'us-east-1' }, expected: true },
  { name: '[OPS] Prefix matching while ignoring case: "EventB" matches "EVENTBRIDGE"', pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } }, event: { detail: { service: 'EVENTBRIDGE' } }, expected: true },
  { name: '[OPS] Prefix matching while ignoring case: "EventB" does not match "Lambda"', pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } }, event: { detail: { service: 'Lambda' } }, expected: false },

  // ---- [OPS] suffix ----
  { name: '[OPS] Suffix matching: FileName suffix ".png" matches image.png', pattern: { FileName: [{ suffix: '.png' }] }, event: { FileName: 'image.png' }, expected: true },
  { name: '[OPS] Suffix matching: FileName suffix ".png" does not match image.PNG (case-sensitive)', pattern: { FileName: [{ suffix: '.png' }] }, event: { FileName: 'image.PNG' }, expected: false },
  { name: '[OPS] Suffix matching while ignoring case: ".png" matches IMAGE.PNG', pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } }, event: { detail: { FileName: 'IMAGE.PNG' } }, expected: true },
  { name: '[OPS] Suffix matching while ignoring case: "tBridge" does not match "Lambda"', pattern: { service: [{ suffix: { 'equals-ignore-case': 'tBridge' } }] }, event: { service: 'Lambda' }, expected: false },

  // ---- [OPS] equals-ignore-case ----
  { name: '[OPS] Equals (ignore case): "alice" matches "Alice"', pattern: { Name: [{ 'equals-ignore-case': 'alice' }] }, event: { Name: 'Alice' }, expected: true },
  { name: '[OPS] Equals (ignore case): "alice" does not match "Alicia"', pattern: { Name: [{ 'equals-ignore-case': 'alice' }] }, event: { Name: 'Alicia' }, expected: false },

  // ---- [FILTER]/[OPS] anything-but ----
  { name: '[FILTER] Anything-but string: "initializing" vs "running" matches', pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } }, event: filterEvent, expected: true },
  { name: '[FILTER] Anything-but string: "initializing" vs "initializing" does not match', pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } }, event: withDetail({ state: 'initializing' }), expected: false },
  { name: '[FILTER] Anything-but number: 123 vs 301.8 matches', pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, event: filterEvent, expected: true },
  { name: '[FILTER] Anything-but number: 123 vs 123.0 does not match', pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, event: withDetail({ 'x-limit': 123.0 }), expected: false },
  { name: '[FILTER] Anything-but list of strings: ["stopped","overloaded"] vs "overloaded"', pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, event: withDetail({ state: 'overloaded' }), expected: false },
  { name: '[FILTER] Anything-but list of strings: ["stopped","overloaded"] vs "running"', pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, event: filterEvent, expected: true },
  { name: '[FILTER] Anything-but list of numbers: [100,200,300] vs 200', pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, event: withDetail({ 'x-limit': 200 }), expected: false },
  { name: '[FILTER] Anything-but list of numbers: [100,200,300] vs 201', pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, event: withDetail({ 'x-limit': 201 }), expected: true },
  { name: '[FILTER] Anything-but prefix "init" does not match "initializing"', pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, event: withDetail({ state: 'initializing' }), expected: false },
  { name: '[FILTER] Anything-but prefix "init" matches "running"', pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, event: filterEvent, expected: true },
  { name: '[OPS] Anything-but (ends with): suffix ".png" does not match photo.png', pattern: { FileName: [{ 'anything-but': { suffix: '.png' } }] }, event: { FileName: 'photo.png' }, expected: false },
  { name: '[OPS] Anything-but (ends with): suffix ".png" matches notes.txt', pattern: { FileName: [{ 'anything-but': { suffix: '.png' } }] }, event: { FileName: 'notes.txt' }, expected: true },
  { name: '[OPS] Anything-but (ignore case): "initializing" does not match "INITIALIZING"', pattern: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] }, event: { state: 'INITIALIZING' }, expected: false },
  { name: '[OPS] Anything-but (ignore case): "initializing" matches "running"', pattern: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] }, event: { state: 'running' }, expected: true },
  { name: '[OPS] Anything-but (ignore case) list: ["a","b"] does not match "B"', pattern: { state: [{ 'anything-but': { 'equals-ignore-case': ['a', 'b'] } }] }, event: { state: 'B' }, expected: false },
  { name: '[OPS] Anything-but using a wildcard: "*/lib/*" does not match /usr/lib/libc.so', pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] }, event: { FilePath: '/usr/lib/libc.so' }, expected: false },
  { name: '[OPS] Anything-but using a wildcard: "*/lib/*" matches /usr/bin/env', pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] }, event: { FilePath: '/usr/bin/env' }, expected: true },
  { name: '[OPS] Not: Weather anything-but ["Raining"] matches "Sunny"', pattern: { Weather: [{ 'anything-but': ['Raining'] }] }, event: { Weather: 'Sunny' }, expected: true },
  { name: '[OPS] anything-but needs the field: Weather anything-but ["Raining"] vs missing Weather (event-ruler)', pattern: { Weather: [{ 'anything-but': ['Raining'] }] }, event: { Location: 'New York' }, expected: false },
  { name: '[ARRAYS]+[FILTER] anything-but vs event array: matches when any element is not excluded', pattern: { state: [{ 'anything-but': 'initializing' }] }, event: { state: ['initializing', 'running'] }, expected: true },
  { name: '[ARRAYS]+[FILTER] anything-but vs event array: no match when every element is excluded', pattern: { state: [{ 'anything-but': ['initializing', 'stopped'] }] }, event: { state: ['initializing', 'stopped'] }, expected: false },

  // ---- [FILTER] numeric ----
  { name: '[FILTER] Numeric: c-count [">",0,"<=",5] matches 5', pattern: { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } }, event: filterEvent, expected: true },
  { name: '[FILTER] Numeric: c-count [">",0,"<=",5] does not match 0 (open bottom)', pattern: { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } }, event: withDetail({ 'c-count': 0 }), expected: false },
  { name: '[FILTER] Numeric: c-count [">",0,"<=",5] does not match 5.000001', pattern: { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } }, event: withDetail({ 'c-count': 5.000001 }), expected: false },
  { name: '[FILTER] Numeric: d-count ["<",10] matches 3', pattern: { detail: { 'd-count': [{ numeric: ['<', 10] }] } }, event: filterEvent, expected: true },
  { name: '[FILTER] Numeric: d-count ["<",10] does not match 10', pattern: { detail: { 'd-count': [{ numeric: ['<', 10] }] } }, event: withDetail({ 'd-count': 10 }), expected: false },
  { name: '[FILTER] Numeric: x-limit ["=",3.018e2] matches 301.8', pattern: { detail: { 'x-limit': [{ numeric: ['=', 3.018e2] }] } }, event: filterEvent, expected: true },
  { name: '[FILTER] Numeric: x-limit ["=",3.018e2] does not match 301.9', pattern: { detail: { 'x-limit': [{ numeric: ['=', 3.018e2] }] } }, event: withDetail({ 'x-limit': 301.9 }), expected: false },
  { name: '[FILTER] Numeric matching works with JSON numbers only (string "5" does not match)', pattern: { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } }, event: withDetail({ 'c-count': '5' }), expected: false },
  { name: '[OPS] Numeric (equals): Price ["=",100] matches 100.0', pattern: { Price: [{ numeric: ['=', 100] }] }, event: { Price: 100.0 }, expected: true },
  { name: '[OPS] Numeric (range): Price [">",10,"<=",20] matches 20', pattern: { Price: [{ numeric: ['>', 10, '<=', 20] }] }, event: { Price: 20 }, expected: true },
  { name: '[OPS] Numeric (range): Price [">",10,"<=",20] does not match 10', pattern: { Price: [{ numeric: ['>', 10, '<=', 20] }] }, event: { Price: 10 }, expected: false },
  { name: '[OPS] Numeric: [">=",10,"<",20] matches 10', pattern: { Price: [{ numeric: ['>=', 10, '<', 20] }] }, event: { Price: 10 }, expected: true },

  // ---- [FILTER] IP address matching ----
  { name: '[FILTER] IP address matching: cidr 10.0.0.0/24 matches 10.0.0.255', pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, event: { detail: { sourceIPAddress: '10.0.0.255' } }, expected: true },
  { name: '[FILTER] IP address matching: cidr 10.0.0.0/24 does not match 10.0.1.1', pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, event: { detail: { sourceIPAddress: '10.0.1.1' } }, expected: false },
  { name: '[FILTER] IP address matching (IPv6): cidr 2001:db8::/32 matches 2001:db8:1234::1', pattern: { detail: { sourceIPAddress: [{ cidr: '2001:db8::/32' }] } }, event: { detail: { sourceIPAddress: '2001:db8:1234::1' } }, expected: true },
  { name: '[FILTER] IP address matching (IPv6): cidr 2001:db8::/32 does not match 2001:db9::1', pattern: { detail: { sourceIPAddress: [{ cidr: '2001:db8::/32' }] } }, event: { detail: { sourceIPAddress: '2001:db9::1' } }, expected: false },
  { name: '[FILTER] IP address matching: an IPv4 address is not in an IPv6 block', pattern: { ip: [{ cidr: '::/0' }] }, event: { ip: '10.0.0.1' }, expected: false },
  { name: '[FILTER] IP address matching: a non-IP string does not match', pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/8' }] } }, event: { detail: { sourceIPAddress: 'example.com' } }, expected: false },
  { name: '[FILTER] event-ruler README complex example with source-ip cidr 10.0.0.0/8', pattern: { ...complexPattern, detail: { ...(complexPattern['detail'] as EventPattern), 'source-ip': [{ cidr: '10.0.0.0/8' }] } }, event: filterEvent, expected: true },

  // ---- [FILTER]/[OPS] exists ----
  { name: '[OPS] Exists matching: detail.state exists:true matches an event with detail.state', pattern: { detail: { state: [{ exists: true }] } }, event: { ...ec2Event, detail: { 'instance-id': 'i-abcd1111', state: 'pending' } }, expected: true },
  { name: '[OPS] Exists matching: exists:true does not match when only detail.c-count (an object) is present', pattern: { detail: { state: [{ exists: true }] } }, event: { ...ec2Event, detail: { 'c-count': { c1: 100 } } }, expected: false },
  { name: '[FILTER] Exists matching: c-count exists:false matches an event without detail.c-count', pattern: { detail: { 'c-count': [{ exists: false }] } }, event: { 'detail-type': 'EC2 Instance State-change Notification', detail: { state: ['initializing', 'running'] } }, expected: true },
  { name: '[FILTER] Exists matching: c-count exists:false also matches when c-count is not a leaf node', pattern: { detail: { 'c-count': [{ exists: false }] } }, event: { detail: { state: ['initializing', 'running'], 'c-count': { c1: 100 } } }, expected: true },
  { name: '[FILTER] Exists matching: c-count exists:false does not match c-count 5', pattern: { detail: { 'c-count': [{ exists: false }] } }, event: filterEvent, expected: false },
  { name: '[OPS] Exists matching: exists:true does not match a missing field', pattern: { ProductName: [{ exists: true }] }, event: { Price: 1 }, expected: false },
  { name: '[NULL]+[OPS] exists:true matches a field that is present with value null', pattern: { detail: { responseElements: [{ exists: true }] } }, event: autoscalingEvent, expected: true },
  { name: '[NULL]+[OPS] exists:false does not match a field that is present with value null', pattern: { detail: { responseElements: [{ exists: false }] } }, event: autoscalingEvent, expected: false },
  { name: '[OPS] exists:false matches when the parent object is missing too', pattern: { detail: { 'c-count': [{ exists: false }] } }, event: { source: 'aws.ec2' }, expected: true },

  // ---- [OPS] wildcard ----
  { name: '[OPS] Wildcard: FileName "dir/*.png" matches dir/a.png', pattern: { FileName: [{ wildcard: 'dir/*.png' }] }, event: { FileName: 'dir/a.png' }, expected: true },
  { name: '[OPS] Wildcard: FileName "dir/*.png" does not match dir/a.jpg', pattern: { FileName: [{ wildcard: 'dir/*.png' }] }, event: { FileName: 'dir/a.jpg' }, expected: false },
  { name: '[OPS] Wildcard: FileName "dir/*.png" does not match other/a.png', pattern: { FileName: [{ wildcard: 'dir/*.png' }] }, event: { FileName: 'other/a.png' }, expected: false },
  { name: '[OPS] Wildcard: "*" matches zero characters ("dir/*.png" vs dir/.png)', pattern: { FileName: [{ wildcard: 'dir/*.png' }] }, event: { FileName: 'dir/.png' }, expected: true },
  { name: '[OPS] Wildcard: EventBusArn "arn:aws:events:us-east-1:*:event-bus/*"', pattern: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] }, event: { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/orders' }, expected: true },
  { name: '[OPS] Wildcard: escaped \\* matches a literal asterisk', pattern: { FileName: [{ wildcard: 'dir\\*.png' }] }, event: { FileName: 'dir*.png' }, expected: true },
  { name: '[OPS] Wildcard: escaped \\* does not act as a wildcard', pattern: { FileName: [{ wildcard: 'dir\\*.png' }] }, event: { FileName: 'dir/a.png' }, expected: false },
  { name: '[OPS] Wildcard: only string values (number 5 vs "*")', pattern: { n: [{ wildcard: '*' }] }, event: { n: 5 }, expected: false },

  // ---- [OPS] $or ----
  { name: '[OPS] Or (values): PaymentType ["Credit","Debit"] matches Debit', pattern: { PaymentType: ['Credit', 'Debit'] }, event: { PaymentType: 'Debit' }, expected: true },
  { name: '[OPS] Or ($or): Location "New York" or Day "Monday" — only Day matches', pattern: { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] }, event: { Location: 'Boston', Day: 'Monday' }, expected: true },
  { name: '[OPS] Or ($or): Location "New York" or Day "Monday" — neither matches', pattern: { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] }, event: { Location: 'Boston', Day: 'Friday' }, expected: false },
  {
    name: '[OPS] $or of numeric conditions under detail (c-count OR d-count OR x-limit)',
    pattern: { detail: { $or: [{ 'c-count': [{ numeric: ['>', 0, '<=', 5] }] }, { 'd-count': [{ numeric: ['<', 10] }] }, { 'x-limit': [{ numeric: ['=', 3.018e2] }] }] } },
    event: withDetail({ 'c-count': 50, 'd-count': 50, 'x-limit': 301.8 }),
    expected: true,
  },
  {
    name: '[OPS] $or of numeric conditions under detail — none holds',
    pattern: { detail: { $or: [{ 'c-count': [{ numeric: ['>', 0, '<=', 5] }] }, { 'd-count': [{ numeric: ['<', 10] }] }, { 'x-limit': [{ numeric: ['=', 3.018e2] }] }] } },
    event: withDetail({ 'c-count': 50, 'd-count': 50, 'x-limit': 1 }),
    expected: false,
  },
  {
    name: '[OPS] $or with a sibling field: source AND (metricName OR namespace)',
    pattern: { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }] },
    event: { source: 'aws.cloudwatch', namespace: 'AWS/ES' },
    expected: true,
  },
  {
    name: '[OPS] $or with a sibling field: the AND still applies (wrong source)',
    pattern: { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }] },
    event: { source: 'aws.ec2', namespace: 'AWS/ES' },
    expected: false,
  },
  {
    name: '[OPS] nested $or inside an $or branch (event-ruler README "Nested Or and And")',
    pattern: {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization', 'ReadLatency'] },
        { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
        { scope: ['Service'] },
      ],
    },
    event: { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1000 },
    expected: true,
  },
  {
    name: '[OPS] nested $or inside an $or branch — inner $or fails',
    pattern: {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization', 'ReadLatency'] },
        { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
        { scope: ['Service'] },
      ],
    },
    event: { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 7 },
    expected: false,
  },

  // ---- [FILTER] complex example ----
  { name: '[FILTER] Complex example with multiple matching matches the sample event', pattern: complexPattern, event: filterEvent, expected: true },
  { name: '[FILTER] Complex example: x-limit 200 is excluded by anything-but [100,200,300]', pattern: complexPattern, event: withDetail({ ...filterEvent.detail, 'x-limit': 200 }), expected: false },

  // ---- Amazon Connect rule used by chatline ----
  { name: '[CONNECT] contact-events: aws.connect CHAT contact event matches the chatline rule', pattern: connectChatPattern, event: connectChatEvent, expected: true },
  { name: '[CONNECT] contact-events: a VOICE contact event does not match', pattern: connectChatPattern, event: { ...connectChatEvent, detail: { ...connectChatEvent.detail, channel: 'VOICE' } }, expected: false },
  { name: '[CONNECT] contact-events: a CHAT event from another source does not match', pattern: connectChatPattern, event: { ...connectChatEvent, source: 'chatline.app' }, expected: false },
];

describe('matchesEventPattern — documented examples', () => {
  it('has at least 40 documented cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(validateEventPattern(c.pattern)).toBe(c.pattern);
    expect(matchesEventPattern(c.pattern, c.event)).toBe(c.expected);
  });
});

describe('matchesEventPattern — engine behaviour the guide leaves implicit (event-ruler)', () => {
  it('objects inside an event array are matched one element at a time (array consistency)', () => {
    const pattern: EventPattern = { items: { sku: ['A'], qty: [2] } };
    expect(matchesEventPattern(pattern, { items: [{ sku: 'A', qty: 1 }, { sku: 'B', qty: 2 }] })).toBe(false);
    expect(matchesEventPattern(pattern, { items: [{ sku: 'B', qty: 1 }, { sku: 'A', qty: 2 }] })).toBe(true);
  });

  it('nested arrays of scalars are flattened', () => {
    expect(matchesEventPattern({ tags: ['x'] }, { tags: [['a'], ['x']] })).toBe(true);
  });

  it('an empty event array counts as absent', () => {
    expect(matchesEventPattern({ resources: [{ exists: false }] }, { resources: [] })).toBe(true);
    expect(matchesEventPattern({ resources: [{ exists: true }] }, { resources: [] })).toBe(false);
    expect(matchesEventPattern({ resources: [{ 'anything-but': 'x' }] }, { resources: [] })).toBe(false);
  });

  it('an IP-address literal matches the same address written differently', () => {
    expect(matchesEventPattern({ ip: ['2001:db8::1'] }, { ip: '2001:0db8:0:0:0:0:0:1' })).toBe(true);
  });

  it('cidr with host bits set is the enclosing network', () => {
    expect(matchesEventPattern({ ip: [{ cidr: '10.0.0.7/24' }] }, { ip: '10.0.0.1' })).toBe(true);
  });

  it('an own-property check is used (prototype keys are not fields)', () => {
    expect(matchesEventPattern({ constructor: [{ exists: true }] }, {})).toBe(false);
    expect(matchesEventPattern({ toString: [{ exists: false }] }, {})).toBe(true);
  });

  it('a non-object event has no fields', () => {
    expect(matchesEventPattern({ source: ['aws.ec2'] }, 'aws.ec2')).toBe(false);
    expect(matchesEventPattern({ source: [{ exists: false }] }, null)).toBe(true);
  });

  it('caches the compiled pattern but stays correct for different events', () => {
    const pattern: EventPattern = { n: [{ numeric: ['>=', 1] }] };
    expect(matchesEventPattern(pattern, { n: 1 })).toBe(true);
    expect(matchesEventPattern(pattern, { n: 0 })).toBe(false);
  });
});

interface InvalidCase {
  readonly name: string;
  readonly pattern: unknown;
  /** A fragment the error message must contain. */
  readonly message: string;
}

const invalidCases: readonly InvalidCase[] = [
  { name: 'pattern is not an object (array)', pattern: [{ source: ['aws.ec2'] }], message: 'Filter is not an object' },
  { name: 'pattern is null', pattern: null, message: 'Filter is not an object' },
  { name: 'pattern JSON text is not valid JSON', pattern: '{"source": ["aws.ec2"]', message: 'not valid JSON' },
  { name: 'empty pattern', pattern: {}, message: 'Empty objects are not allowed' },
  { name: 'empty nested object', pattern: { detail: {} }, message: 'Empty objects are not allowed' },
  { name: '[CREATE] leaf value not in an array (string)', pattern: { source: 'aws.ec2' }, message: '"source" must be an object or an array' },
  { name: '[CREATE] leaf value not in an array (number)', pattern: { detail: { count: 2 } }, message: 'detail.count' },
  { name: '[CREATE] leaf value not in an array (null)', pattern: { detail: { responseElements: null } }, message: 'must be an object or an array' },
  { name: 'empty leaf array', pattern: { source: [] }, message: 'Empty arrays are not allowed' },
  { name: 'nested array inside a leaf array', pattern: { source: [['aws.ec2']] }, message: 'Match value must be' },
  { name: 'unknown operator', pattern: { source: [{ contains: 'ec2' }] }, message: 'Unrecognized match type "contains"' },
  { name: 'operator object with two keys', pattern: { source: [{ prefix: 'aws.', suffix: 'ec2' }] }, message: 'Only one key allowed' },
  { name: 'empty operator object', pattern: { source: [{}] }, message: 'Match expression name not found' },
  { name: 'prefix with a number', pattern: { time: [{ prefix: 2017 }] }, message: 'prefix match pattern must be a string' },
  { name: 'prefix with an unknown nested operator', pattern: { time: [{ prefix: { wildcard: '2017*' } }] }, message: 'prefix accepts a string' },
  { name: 'suffix/equals-ignore-case with a number', pattern: { f: [{ suffix: { 'equals-ignore-case': 1 } }] }, message: 'must be a string' },
  { name: 'equals-ignore-case with a number', pattern: { Name: [{ 'equals-ignore-case': 1 }] }, message: 'equals-ignore-case match pattern must be a string' },
  { name: 'exists with a string', pattern: { a: [{ exists: 'true' }] }, message: 'exists match pattern must be either true or false' },
  { name: 'numeric not an array', pattern: { a: [{ numeric: '>5' }] }, message: 'Value of numeric must be an array' },
  { name: 'numeric unknown operator', pattern: { a: [{ numeric: ['>>', 5] }] }, message: 'Unrecognized numeric range operator: ">>"' },
  { name: 'numeric operand is a string', pattern: { a: [{ numeric: ['<', '10'] }] }, message: 'Value of < must be numeric' },
  { name: 'numeric missing operand', pattern: { a: [{ numeric: ['>'] }] }, message: 'Value of > must be numeric' },
  { name: 'numeric starts with a number', pattern: { a: [{ numeric: [5, '<'] }] }, message: 'Invalid member in numeric match' },
  { name: 'numeric upper bound before lower bound', pattern: { a: [{ numeric: ['<', 10, '>', 0] }] }, message: 'Too many elements' },
  { name: 'numeric two lower bounds', pattern: { a: [{ numeric: ['>', 0, '>=', 5] }] }, message: 'Bad numeric range operator' },
  { name: 'numeric "=" with extra terms', pattern: { a: [{ numeric: ['=', 1, '<', 2] }] }, message: 'Too many elements' },
  { name: 'numeric empty range (bottom >= top)', pattern: { a: [{ numeric: ['>', 5, '<', 5] }] }, message: 'Bottom must be less than top' },
  { name: 'numeric too many terms', pattern: { a: [{ numeric: ['>', 0, '<', 5, 6] }] }, message: 'Too many terms' },
  { name: 'anything-but with a mixed list', pattern: { a: [{ 'anything-but': ['a', 1] }] }, message: 'either all values are numbers or all are strings' },
  { name: 'anything-but with null', pattern: { a: [{ 'anything-but': null }] }, message: 'Value of anything-but must be' },
  { name: 'anything-but with a boolean', pattern: { a: [{ 'anything-but': true }] }, message: 'Value of anything-but must be' },
  { name: 'anything-but with an empty list', pattern: { a: [{ 'anything-but': [] }] }, message: 'must not be empty' },
  { name: 'anything-but with an unsupported operator', pattern: { a: [{ 'anything-but': { numeric: ['>', 1] } }] }, message: 'Unsupported anything-but pattern: "numeric"' },
  { name: 'anything-but prefix empty', pattern: { a: [{ 'anything-but': { prefix: '' } }] }, message: 'Null prefix not allowed' },
  { name: 'anything-but prefix not a string', pattern: { a: [{ 'anything-but': { prefix: 1 } }] }, message: 'must be a string or a non-empty list of strings' },
  { name: 'wildcard with consecutive asterisks', pattern: { a: [{ wildcard: 'dir/**.png' }] }, message: 'Consecutive wildcard characters' },
  { name: 'wildcard with an invalid escape', pattern: { a: [{ wildcard: 'dir\\a.png' }] }, message: "Backslash must escape '*' or '\\'" },
  { name: 'wildcard with a trailing backslash', pattern: { a: [{ wildcard: 'dir\\' }] }, message: 'Backslash must escape' },
  { name: 'cidr without a mask', pattern: { ip: [{ cidr: '10.0.0.0' }] }, message: "one '/' required" },
  { name: 'cidr with an IPv4 mask over 32', pattern: { ip: [{ cidr: '10.0.0.0/33' }] }, message: 'IPv4 mask bits must be <= 32' },
  { name: 'cidr with an invalid address', pattern: { ip: [{ cidr: '300.0.0.0/8' }] }, message: 'invalid IP address' },
  { name: 'cidr with a non-numeric mask', pattern: { ip: [{ cidr: '10.0.0.0/x' }] }, message: 'mask bits must be' },
  { name: 'cidr with an IPv6 mask over 128', pattern: { ip: [{ cidr: '2001:db8::/129' }] }, message: 'IPv6 mask bits must be <= 128' },
  { name: '$or not followed by an array', pattern: { $or: { a: ['x'] } }, message: '$or must be followed by an array' },
  { name: '$or with a single branch', pattern: { $or: [{ a: ['x'] }] }, message: 'at least 2 objects' },
  { name: '$or with a non-object branch', pattern: { $or: [{ a: ['x'] }, ['b']] }, message: 'Only objects are allowed in $or' },
  { name: '$or branch using an operator name as a field', pattern: { $or: [{ prefix: ['x'] }, { a: ['y'] }] }, message: 'reserved operator name' },
  { name: 'infinite number in a leaf', pattern: { a: [Number.POSITIVE_INFINITY] }, message: 'Match value must be' },
];

describe('validateEventPattern — malformed patterns are rejected', () => {
  it.each(invalidCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    let caught: unknown;
    try {
      validateEventPattern(c.pattern);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InvalidEventPatternError);
    const error = caught as InvalidEventPatternError;
    expect(error.name).toBe('InvalidEventPatternError');
    expect(error.message).toContain('Event pattern is not valid');
    expect(error.message).toContain(c.message);
  });

  it('reports where the problem is', () => {
    expect(() => validateEventPattern({ detail: { state: ['ok', { numeric: ['>', 'x'] }] } })).toThrow(
      expect.objectContaining({ name: 'InvalidEventPatternError', path: 'detail.state[1].numeric[1]' }),
    );
    expect(() => validateEventPattern({ $or: [{ a: ['x'] }, { b: [] }] })).toThrow(
      expect.objectContaining({ path: '$or[1].b' }),
    );
  });

  it('accepts the JSON text of a pattern and returns the parsed pattern', () => {
    const parsed = validateEventPattern(JSON.stringify(connectChatPattern));
    expect(parsed).toEqual(connectChatPattern);
    expect(matchesEventPattern(parsed, connectChatEvent)).toBe(true);
  });

  it('matchesEventPattern rejects a malformed pattern too', () => {
    const bad = { source: 'aws.connect' } as unknown as EventPattern;
    expect(() => matchesEventPattern(bad, connectChatEvent)).toThrow(InvalidEventPatternError);
  });
});

/**
 * Cases where event-ruler differs from "lower-case both sides": its equals-ignore-case turns each
 * pattern character into { lower form, upper form } and matches the event value exactly against
 * them (aws/event-ruler, input/EqualsIgnoreCaseParser.java and SuffixEqualsIgnoreCaseParser.java),
 * and its numeric operands must be comparable numbers (ComparableNumber: ±5.0e9, 6 decimals).
 */
const ruler: readonly Case[] = [
  // U+0390 upper-cases to U+0399 U+0308 U+0301; U+212A KELVIN SIGN lower-cases to "k".
  { name: 'event-ruler: equals-ignore-case "ΐK" (U+212A) matches "Ϊ́k"', pattern: { a: [{ 'equals-ignore-case': 'ΐ\u212A' }] }, event: { a: '\u0399\u0308\u0301k' }, expected: true },
  { name: 'event-ruler: equals-ignore-case "ΐK" (U+212A) matches itself', pattern: { a: [{ 'equals-ignore-case': 'ΐ\u212A' }] }, event: { a: 'ΐ\u212A' }, expected: true },
  { name: 'event-ruler: equals-ignore-case "k" does not match U+212A (the value is not case-folded)', pattern: { a: [{ 'equals-ignore-case': 'k' }] }, event: { a: '\u212A' }, expected: false },
  { name: 'event-ruler: equals-ignore-case "K" (U+212A) matches "k"', pattern: { a: [{ 'equals-ignore-case': '\u212A' }] }, event: { a: 'k' }, expected: true },
  { name: 'event-ruler: equals-ignore-case "ⱥ" matches "Ⱥ" (forms of different UTF-8 length)', pattern: { a: [{ 'equals-ignore-case': 'ⱥ' }] }, event: { a: 'Ⱥ' }, expected: true },
  { name: 'event-ruler: equals-ignore-case "ΐ" does not match a prefix of its upper form', pattern: { a: [{ 'equals-ignore-case': 'ΐ' }] }, event: { a: '\u0399\u0308' }, expected: false },
  { name: 'event-ruler: prefix ignore-case "ΐK" matches "Ϊ́kelvin"', pattern: { a: [{ prefix: { 'equals-ignore-case': 'ΐ\u212A' } }] }, event: { a: '\u0399\u0308\u0301kelvin' }, expected: true },
  { name: 'event-ruler: prefix ignore-case "k" does not match "Kelvin" spelled with U+212A', pattern: { a: [{ prefix: { 'equals-ignore-case': 'k' } }] }, event: { a: '\u212Aelvin' }, expected: false },
  { name: 'event-ruler: suffix ignore-case "ΐK" matches "deg Ϊ́k"', pattern: { a: [{ suffix: { 'equals-ignore-case': 'ΐ\u212A' } }] }, event: { a: 'deg \u0399\u0308\u0301k' }, expected: true },
  { name: 'event-ruler: suffix ignore-case "ss" does not match "ẞ"', pattern: { a: [{ suffix: { 'equals-ignore-case': 'ss' } }] }, event: { a: 'Maẞ' }, expected: false },
  { name: 'event-ruler: suffix ignore-case "ß" matches "SS" (ß upper-cases to SS)', pattern: { a: [{ suffix: { 'equals-ignore-case': 'ß' } }] }, event: { a: 'MASS' }, expected: true },
  { name: 'event-ruler: anything-but ignore-case "K" (U+212A) excludes "k"', pattern: { a: [{ 'anything-but': { 'equals-ignore-case': '\u212A' } }] }, event: { a: 'k' }, expected: false },
  { name: 'event-ruler: anything-but ignore-case "k" keeps U+212A', pattern: { a: [{ 'anything-but': { 'equals-ignore-case': 'k' } }] }, event: { a: '\u212A' }, expected: true },
  { name: 'event-ruler: numeric "=" at the 6-decimal limit', pattern: { a: [{ numeric: ['=', 0.000001] }] }, event: { a: 0.000001 }, expected: true },
  { name: 'event-ruler: numeric range at ±5.0e9 (inclusive)', pattern: { a: [{ numeric: ['>=', -5e9, '<=', 5e9] }] }, event: { a: 5e9 }, expected: true },
];

describe('matchesEventPattern — event-ruler case forms and comparable numbers', () => {
  it.each(ruler.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(matchesEventPattern(validateEventPattern(c.pattern), c.event)).toBe(c.expected);
  });

  it.each([
    ['a numeric operand with 7 decimal places', { a: [{ numeric: ['=', 0.0000001] }] }, 'at most 6 decimal places'],
    ['a numeric operand above 5.0e9', { a: [{ numeric: ['<', 5000000001] }] }, 'between -5000000000 and 5000000000'],
    ['a numeric operand below -5.0e9', { a: [{ numeric: ['>', -6e9, '<', 0] }] }, 'between -5000000000 and 5000000000'],
  ])('rejects %s', (_name, pattern, message) => {
    expect(() => validateEventPattern(pattern)).toThrow(expect.objectContaining({ name: 'InvalidEventPatternError', message: expect.stringContaining(message) }));
  });

  it.each([
    ['{"a": [{"numeric": ["=", 1E-325]}]}', '1E-325'],
    ['{"a": [1e400]}', '1e400'],
    ['{"a": [-0.0000e-999999]}', undefined],
  ])('reads numbers from pattern text without losing them: %s', (text, lost) => {
    if (lost === undefined) {
      expect(validateEventPattern(text)).toEqual({ a: [-0] });
    } else {
      expect(() => validateEventPattern(text)).toThrow(`The number ${lost} is out of range`);
    }
  });

  it('does not mistake digits inside strings for numbers', () => {
    expect(validateEventPattern('{"a": ["1E-325", "x\\"1e400"]}')).toEqual({ a: ['1E-325', 'x"1e400'] });
  });
});
