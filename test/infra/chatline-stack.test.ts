/**
 * What could break in production, asserted on the synthesized template: the workflow definitions
 * and their substitutions, IAM actions and resources, rule patterns and targets, the DLQ, the
 * tables the store expects, the Lambda runtime, logging, alarms and the dashboard's metrics.
 */
import { allStates } from '../../local/sfn/task-bindings';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { CHATLINE_EVENT_SOURCE } from '../../core/constants';
import { STORE_TABLES, TABLE_NAME_ENV } from '../../handlers/dynamodb-schema';
import { CHATLINE_METRICS } from '../../handlers/lambda/metric-names';
import { buildApp, SAMPLE } from '../../infra/app';
import type { ChatlineOrchestrator } from '../../infra/chatline-orchestrator';
import type { ChatlineStack } from '../../infra/chatline-stack';
import type { WorkflowKey } from '../../workflows/definitions';
import { applySubstitutions, placeholdersIn, readDefinitionText, renderDefinition, SUBSTITUTION_KEYS } from '../../workflows/definitions';
import { chatlineRules } from '../../workflows/event-patterns';
import type { Resources, Statement } from './helpers';
import { allStatements, asArray, logicalId, newApp, REPO_ROOT, resolveFake, roleStatements } from './helpers';

let stack: ChatlineStack;
let o: ChatlineOrchestrator;
let template: Template;
let resources: Resources;
const id = (c: Parameters<typeof logicalId>[1]): string => logicalId(stack, c);

beforeAll(() => {
  ({ stack } = buildApp(newApp()));
  o = stack.orchestrator;
  template = Template.fromStack(stack);
  resources = template.toJSON()['Resources'] as Resources;
});

const machines: { key: WorkflowKey; machine: () => ChatlineOrchestrator['resumeChatStateMachine']; type: string }[] = [
  { key: 'contactEvents', machine: () => o.contactEventsStateMachine, type: 'EXPRESS' },
  { key: 'resumeChat', machine: () => o.resumeChatStateMachine, type: 'STANDARD' },
];

describe('state machine definitions', () => {
  it.each(machines)('$key: DefinitionString is the workflow file verbatim', ({ key, machine }) => {
    const props = resources[id(machine())]?.Properties ?? {};
    expect(props['DefinitionString']).toBe(readDefinitionText(key));
  });

  it.each(machines)('$key: the placeholders, the substitution keys and SUBSTITUTION_KEYS are one set', ({ key, machine }) => {
    const props = resources[id(machine())]?.Properties ?? {};
    const keys = Object.keys(props['DefinitionSubstitutions'] as object).sort();
    expect(placeholdersIn(props['DefinitionString'] as string)).toEqual(keys);
    expect(keys).toEqual([...SUBSTITUTION_KEYS[key]].sort());
  });

  it.each(machines)('$key: resolved with fake values, the template definition equals renderDefinition()', ({ key, machine }) => {
    const props = resources[id(machine())]?.Properties ?? {};
    const subs = Object.fromEntries(
      Object.entries(props['DefinitionSubstitutions'] as Record<string, unknown>).map(([k, v]) => [k, resolveFake(v)]),
    );
    const deployed: unknown = JSON.parse(applySubstitutions(props['DefinitionString'] as string, subs));
    expect(deployed).toEqual(renderDefinition(key, subs as never));
  });

  it('each substitution points at the resource it names', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'EXPRESS',
      DefinitionSubstitutions: {
        RecordContactEventFunctionArn: { 'Fn::GetAtt': [id(o.recordContactEventFunction), 'Arn'] },
        ResumeChatStateMachineArn: { Ref: id(o.resumeChatStateMachine) },
      },
    });
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      DefinitionSubstitutions: {
        PlanResumptionFunctionArn: { 'Fn::GetAtt': [id(o.planResumptionFunction), 'Arn'] },
        RecordOutcomeFunctionArn: { 'Fn::GetAtt': [id(o.recordOutcomeFunction), 'Arn'] },
        RecordDescribedContactsFunctionArn: { 'Fn::GetAtt': [id(o.recordDescribedContactsFunction), 'Arn'] },
        EventBusName: 'default',
        OutcomeEventSource: CHATLINE_EVENT_SOURCE,
      },
    });
  });

  it.each(machines)('$key: $type, logs ALL to its own group, traced', ({ machine, type }) => {
    const logGroup = machine() === o.resumeChatStateMachine ? o.resumeChatLogGroup : o.contactEventsLogGroup;
    expect(resources[id(machine())]?.Properties).toMatchObject({
      StateMachineType: type,
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: false,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [id(logGroup), 'Arn'] } } }],
      },
      TracingConfiguration: { Enabled: true },
    });
    expect(resources[id(logGroup)]?.Properties?.['LogGroupName']).toMatch(/^\/aws\/vendedlogs\/states\//);
  });
});

describe('IAM', () => {
  const instance = SAMPLE.connectInstanceArn;
  const actionsOf = (s: Statement): string[] => asArray(s.Action);
  const role = (machine: ChatlineOrchestrator['resumeChatStateMachine']): string =>
    (resources[id(machine)]?.Properties?.['RoleArn'] as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] as string;

  it('grants Connect exactly the two actions on this instance and its contacts, to resume-chat only', () => {
    const connect = allStatements(resources).filter((s) => actionsOf(s).some((a) => a.startsWith('connect:')));
    expect(connect).toHaveLength(1);
    expect(actionsOf(connect[0] as Statement).sort()).toEqual(['connect:CreatePersistentContactAssociation', 'connect:DescribeContact']);
    expect(asArray((connect[0] as Statement).Resource)).toEqual([instance, `${instance}/contact/*`]);
    expect(roleStatements(resources, role(o.resumeChatStateMachine))).toContainEqual(connect[0]);
  });

  it('never grants a service wildcard, an action wildcard, or Resource * outside log delivery and X-Ray', () => {
    for (const s of allStatements(resources)) {
      for (const action of actionsOf(s)) expect(action).not.toMatch(/(^\*$|:\*$)/);
      if (asArray(s.Resource).includes('*')) {
        expect(actionsOf(s).every((a) => a.startsWith('logs:') || a.startsWith('xray:'))).toBe(true);
      }
    }
  });

  it('lets contact-events start the resume-chat machine and nothing else', () => {
    const start = allStatements(resources).filter((s) => actionsOf(s).includes('states:StartExecution'));
    const fromContactEvents = roleStatements(resources, role(o.contactEventsStateMachine)).filter((s) => actionsOf(s).includes('states:StartExecution'));
    expect(fromContactEvents).toEqual([expect.objectContaining({ Action: 'states:StartExecution', Resource: { Ref: id(o.resumeChatStateMachine) } })]);
    // The only other StartExecution is EventBridge's, on the contact-events machine.
    expect(start.map((s) => s.Resource)).toEqual(
      expect.arrayContaining([{ Ref: id(o.resumeChatStateMachine) }, { Ref: id(o.contactEventsStateMachine) }]),
    );
    expect(start).toHaveLength(2);
  });

  it('lets resume-chat put events on the default bus only', () => {
    const put = allStatements(resources).filter((s) => actionsOf(s).includes('events:PutEvents'));
    expect(put).toEqual([expect.objectContaining({ Resource: `arn:aws:events:${SAMPLE.region}:${SAMPLE.account}:event-bus/default` })]);
    expect(roleStatements(resources, role(o.resumeChatStateMachine))).toContainEqual(put[0]);
  });

  it('lets each machine invoke exactly its own steps, unqualified ARNs only', () => {
    const invoke = (machine: ChatlineOrchestrator['resumeChatStateMachine']): unknown[] =>
      roleStatements(resources, role(machine))
        .filter((s) => actionsOf(s).includes('lambda:InvokeFunction'))
        .flatMap((s) => asArray(s.Resource));
    const arn = (fn: ChatlineOrchestrator['recordOutcomeFunction']): unknown => ({ 'Fn::GetAtt': [id(fn), 'Arn'] });
    expect(invoke(o.contactEventsStateMachine)).toEqual([arn(o.recordContactEventFunction)]);
    const bySerialized = (xs: unknown[]): unknown[] => [...xs].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(bySerialized(invoke(o.resumeChatStateMachine))).toEqual(
      bySerialized([arn(o.planResumptionFunction), arn(o.recordOutcomeFunction), arn(o.recordDescribedContactsFunction)]),
    );
  });

  it('gives every Task of both workflows the permission it calls with', () => {
    const needed: Record<string, string> = {
      'arn:aws:states:::lambda:invoke': 'lambda:InvokeFunction',
      'arn:aws:states:::states:startExecution': 'states:StartExecution',
      'arn:aws:states:::events:putEvents': 'events:PutEvents',
      'arn:aws:states:::aws-sdk:connect:createPersistentContactAssociation': 'connect:CreatePersistentContactAssociation',
      'arn:aws:states:::aws-sdk:connect:describeContact': 'connect:DescribeContact',
    };
    for (const { key, machine } of machines) {
      const definition = JSON.parse(readDefinitionText(key)) as Parameters<typeof allStates>[0];
      const granted = roleStatements(resources, role(machine())).flatMap(actionsOf);
      // Every Task, those inside Map states included.
      for (const [, state] of allStates(definition).filter(([, s]) => s.Type === 'Task')) {
        const action = needed[state.Resource as string];
        expect({ resource: state.Resource, action }).toEqual({ resource: state.Resource, action: expect.any(String) });
        expect(granted).toContain(action);
      }
    }
  });

  it('gives each Lambda step only the table calls its store code makes, on named tables and indexes', () => {
    const tableArn = (t: ChatlineOrchestrator['lineageTable']): unknown => ({ 'Fn::GetAtt': [id(t), 'Arn'] });
    const indexArn = (i: string): unknown => ({ 'Fn::Join': ['', [tableArn(o.lineageTable), `/index/${i}`]] });
    const dynamo = (fn: ChatlineOrchestrator['recordOutcomeFunction']): { actions: string[]; resource: unknown }[] => {
      const roleId = (resources[id(fn)]?.Properties?.['Role'] as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] as string;
      return roleStatements(resources, roleId)
        .filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')))
        .flatMap((s) => asArray(s.Resource).map((resource) => ({ actions: actionsOf(s).sort(), resource })))
        .sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
    };
    const sorted = (grants: { actions: string[]; resource: unknown }[]): unknown =>
      [...grants].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
    expect(dynamo(o.recordContactEventFunction)).toEqual(sorted([
      { actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], resource: tableArn(o.lineageTable) },
      { actions: ['dynamodb:Query'], resource: indexArn('bySession') },
      { actions: ['dynamodb:Query'], resource: indexArn('byCustomer') },
      { actions: ['dynamodb:PutItem'], resource: tableArn(o.eventsTable) },
    ]));
    expect(dynamo(o.planResumptionFunction)).toEqual(sorted([
      { actions: ['dynamodb:GetItem'], resource: tableArn(o.lineageTable) },
      { actions: ['dynamodb:Query'], resource: indexArn('bySession') },
      { actions: ['dynamodb:Query'], resource: indexArn('byCustomer') },
      { actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], resource: tableArn(o.ledgerTable) },
      { actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], resource: tableArn(o.budgetTable) },
    ]));
    expect(dynamo(o.recordOutcomeFunction)).toEqual(sorted([
      { actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], resource: tableArn(o.ledgerTable) },
      { actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], resource: tableArn(o.lineageTable) },
    ]));
    expect(dynamo(o.recordDescribedContactsFunction)).toEqual(sorted([
      { actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], resource: tableArn(o.lineageTable) },
      { actions: ['dynamodb:PutItem'], resource: tableArn(o.eventsTable) },
    ]));
  });
});

describe('EventBridge rules', () => {
  it.each([0, 1])('rule %i: the shared pattern, on the default bus, into contact-events with DLQ and retry policy', (i) => {
    const rule = i === 0 ? o.contactEventsRule : o.customerReturnedRule;
    expect(resources[id(rule)]?.Properties).toMatchObject({
      EventBusName: 'default',
      State: 'ENABLED',
      EventPattern: (chatlineRules()[i] as { pattern: unknown }).pattern,
      Targets: [
        {
          Arn: { Ref: id(o.contactEventsStateMachine) },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [id(o.deadLetterQueue), 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 },
          RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/EventsRole/), 'Arn'] },
        },
      ],
    });
  });

  it('matches a custom return-event source when configured', () => {
    const { stack: custom } = buildApp(newApp({ returnEventSource: 'acme.chat' }));
    Template.fromStack(custom).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['acme.chat'], 'detail-type': ['Chat Customer Returned'] },
    });
  });

  it('has an encrypted, TLS-only DLQ that only these rules may send to', () => {
    expect(resources[id(o.deadLetterQueue)]?.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    const policy = Object.values(resources).find((r) => r.Type === 'AWS::SQS::QueuePolicy')?.Properties?.['PolicyDocument'] as {
      Statement: (Statement & { Principal: unknown; Condition: unknown })[];
    };
    expect(policy.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    const sends = policy.Statement.filter((s) => s.Effect === 'Allow');
    expect(sends.map((s) => s.Condition)).toEqual([
      { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [id(o.contactEventsRule), 'Arn'] } } },
      { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [id(o.customerReturnedRule), 'Arn'] } } },
    ]);
    for (const s of sends) expect(s).toMatchObject({ Action: 'sqs:SendMessage', Principal: { Service: 'events.amazonaws.com' } });
  });
});

describe('DynamoDB tables', () => {
  it.each(['lineage', 'ledger', 'events', 'budget'] as const)('%s: the store schema, on-demand, PITR, encrypted, retained', (name) => {
    const table = { lineage: o.lineageTable, ledger: o.ledgerTable, events: o.eventsTable, budget: o.budgetTable }[name];
    const schema = STORE_TABLES[name];
    const resource = resources[id(table)];
    expect(resource?.DeletionPolicy).toBe('Retain');
    expect(resource?.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      DeletionProtectionEnabled: true,
      KeySchema: [
        { AttributeName: schema.partitionKey, KeyType: 'HASH' },
        ...('sortKey' in schema ? [{ AttributeName: schema.sortKey, KeyType: 'RANGE' }] : []),
      ],
    });
    const gsis = (resource?.Properties?.['GlobalSecondaryIndexes'] ?? []) as unknown[];
    expect(gsis).toEqual(
      schema.indexes.map((i) => ({
        IndexName: i.name,
        KeySchema: [
          { AttributeName: i.partitionKey, KeyType: 'HASH' },
          { AttributeName: i.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    );
    const ttl = 'ttlAttribute' in schema ? { AttributeName: schema.ttlAttribute, Enabled: true } : undefined;
    expect(resource?.Properties?.['TimeToLiveSpecification']).toEqual(ttl);
  });
});

describe('Lambda steps', () => {
  it.each(['recordContactEventFunction', 'planResumptionFunction', 'recordOutcomeFunction', 'recordDescribedContactsFunction'] as const)(
    '%s: Node 22 on arm64, JSON logs to its own group, table names and config from the environment',
    (key) => {
      const fn = o[key];
      expect(resources[id(fn)]?.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Timeout: 20,
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: id(fn.logGroup as never) } },
        Environment: {
          Variables: {
            [TABLE_NAME_ENV.lineage]: { Ref: id(o.lineageTable) },
            [TABLE_NAME_ENV.ledger]: { Ref: id(o.ledgerTable) },
            [TABLE_NAME_ENV.events]: { Ref: id(o.eventsTable) },
            [TABLE_NAME_ENV.budget]: { Ref: id(o.budgetTable) },
            REHYDRATION_POLICY: 'auto',
            READINESS_DELAY_SECONDS: '60',
            POWERTOOLS_METRICS_NAMESPACE: 'Chatline',
            POWERTOOLS_SERVICE_NAME: 'chatline',
          },
        },
      });
    },
  );
});

describe('alarms and dashboard', () => {
  const alarm = (c: ChatlineOrchestrator['cloudwatchAlarms'][number]): Record<string, unknown> => resources[id(c)]?.Properties ?? {};

  it('alarms on resume-chat failures, contact-events failures, DLQ depth and throttling', () => {
    expect(o.cloudwatchAlarms).toHaveLength(4);
    const [resumeFailed, contactFailed, dlq, throttles] = o.cloudwatchAlarms.map(alarm);
    expect(resumeFailed).toMatchObject({
      Namespace: 'AWS/States',
      MetricName: 'ExecutionsFailed',
      Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: id(o.resumeChatStateMachine) } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(JSON.stringify(contactFailed)).toContain(id(o.contactEventsStateMachine));
    expect(JSON.stringify(contactFailed)).toContain(CHATLINE_METRICS.eventsRejected);
    expect(dlq).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Statistic: 'Maximum',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id(o.deadLetterQueue), 'QueueName'] } }],
      Threshold: 1,
    });
    const throttleMetrics = JSON.stringify(throttles);
    for (const m of ['ExecutionThrottled', 'Throttles', 'ThrottledRules']) expect(throttleMetrics).toContain(m);
    expect(throttles?.['Threshold']).toBe(5);
  });

  it('plots only custom metrics some Lambda step really emits', () => {
    const body = JSON.stringify(resources[id(o.dashboard as never)]?.Properties?.['DashboardBody']);
    const sources = readdirSync(join(REPO_ROOT, 'handlers', 'lambda'))
      .map((f) => readFileSync(join(REPO_ROOT, 'handlers', 'lambda', f), 'utf8'))
      .join('\n');
    const plotted = Object.entries(CHATLINE_METRICS).filter(([, name]) => body.includes(`\\"${name}\\"`));
    expect(plotted.map(([, n]) => n)).toEqual(expect.arrayContaining(['EventsIn', 'SegmentsRecorded', 'ResumptionsSucceeded', 'ResumptionsFailed', 'ResumptionsSkipped', 'ReturnToAssociationMs']));
    for (const [key] of plotted) expect(sources).toMatch(new RegExp(`addMetric\\(\\s*(M\\.${key}\\b|OUTCOME_METRIC)`));
    for (const key of ['resumptionsSucceeded', 'resumptionsFailed', 'resumptionsSkipped']) expect(sources).toContain(`M.${key}`);
    expect(body).toContain('p50');
    expect(body).toContain('p99');
  });
});

describe('validation', () => {
  it('passes cdk-nag AwsSolutions with every acknowledgement carrying a reason', () => {
    const { app } = buildApp(newApp());
    expect(() => app.synth()).not.toThrow();
    const acks = app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules'))
      .flatMap((m) => Object.entries(m.data as Record<string, string>));
    expect(acks.length).toBeGreaterThan(0);
    for (const [, reason] of acks) expect(reason.length).toBeGreaterThan(30);
  });

  it('fails synth on an unacknowledged finding', () => {
    const { app, stack: s } = buildApp(newApp());
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sqs = require('aws-cdk-lib/aws-sqs') as typeof import('aws-cdk-lib/aws-sqs');
    new sqs.Queue(s, 'Unhardened', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS/);
  });

  it('rejects props that cannot work, all reasons at once', () => {
    const app = newApp({ connectInstanceArn: 'arn:aws:connect:us-east-1:999999999999:instance/x' });
    expect(() => buildApp(app)).toThrow(/us-east-1 but the stack is in eu-west-2[\s\S]*account 999999999999/);
    expect(() => buildApp(newApp({ connectInstanceArn: 'instance/x' }))).toThrow(/connectInstanceArn must be a literal/);
  });

  it('is the template `cdk synth` writes: it equals the committed baseline', () => {
    // The CLI adds aws:cdk:path metadata; everything else, asset hashes included, must be equal.
    const withoutMetadata = (t: { Resources: Resources }): unknown => ({
      ...t,
      Resources: Object.fromEntries(Object.entries(t.Resources).map(([k, { Metadata: _m, ...r }]) => [k, r])),
    });
    const baseline = JSON.parse(readFileSync(join(REPO_ROOT, 'infra', 'baseline', 'ChatlineStack.template.json'), 'utf8')) as { Resources: Resources };
    expect(withoutMetadata(template.toJSON() as { Resources: Resources })).toEqual(withoutMetadata(baseline));
  });
});
