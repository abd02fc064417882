/**
 * ChatlineOrchestrator: chatline on AWS's own engines, in the shape of an AWS Solutions Construct.
 *
 *   EventBridge (default bus) ─ rule A: Connect chat contact events ─┐
 *                             ─ rule B: "Chat Customer Returned"    ─┴▶ contact-events (Express)
 *   contact-events ─ states:StartExecution ▶ resume-chat (Standard) ─ connect:CreatePersistentContactAssociation
 *                                                                    ─ events:PutEvents (outcome)
 *   Lambda steps over DynamoDB (lineage, ledger, events): in a checkout, NodejsFunction bundles
 *   handlers/lambda/*.ts with local esbuild at synth; from the installed package, the bundles
 *   `npm run build` made (dist/lambda/<entry>/index.js) are the code (see lambdaCodeOf)
 *
 * The workflows are the files in workflows/ (DefinitionBody.fromString + definitionSubstitutions,
 * the same keys the local runtime substitutes), and the rule patterns are workflows/event-patterns.
 * No business logic lives here. An ASL file is opaque to CDK, so every permission the workflows
 * need is granted explicitly, resource by resource, and nothing more.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RemovalPolicy } from 'aws-cdk-lib';
import { Arn, ArnFormat, Duration, Names, RemovalPolicy as Removal, Stack, Token, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { CHATLINE_EVENT_SOURCE, DEFAULT_EVENT_BUS_NAME, DEFAULT_RETURN_EVENT_SOURCE } from '../core/constants';
import type { RehydrationPolicy } from '../core/schemas';
import { REHYDRATION_POLICIES } from '../core/schemas';
import type { StoreTable, TableSchema } from '../handlers/dynamodb-schema';
import { DEFAULT_BUDGET_CONFIG, DEFAULT_HEADROOM, DOCUMENTED_QUOTAS } from '../core/budget';
import { BUDGET_ENV, budgetConfigFromEnv } from '../core/config';
import { STORE_TABLES, TABLE_NAME_ENV } from '../handlers/dynamodb-schema';
import { DEFAULT_METRICS_NAMESPACE, DEFAULT_SERVICE_NAME } from '../handlers/lambda/metric-names';
import { STEP_FUNCTION_NAMES } from '../handlers/steps';
import type { Substitutions } from '../workflows/definitions';
import { readDefinitionText, WORKFLOWS } from '../workflows/definitions';
import { chatlineRules } from '../workflows/event-patterns';
import type { ChatlineAlarmThresholds } from './monitoring';
import { ChatlineMonitoring } from './monitoring';

export interface ChatlineOrchestratorProps {
  /**
   * The Amazon Connect instance whose chats are resumed, as a literal ARN
   * (`arn:aws:connect:<region>:<account>:instance/<id>`), in this stack's account and region:
   * Connect publishes contact events to the default bus of its own region.
   */
  readonly connectInstanceArn: string;
  /** How a return is rehydrated when the app event does not say. @default 'auto' */
  readonly rehydrationPolicy?: RehydrationPolicy;
  /** Wait this long after the past session ended before associating (transcripts take 30-60 s). @default Duration.seconds(60) */
  readonly readinessDelay?: Duration;
  /** Plan no earlier than this after a return is detected (contact events arrive late). @default Duration.seconds(5) */
  readonly lateEventGrace?: Duration;
  /**
   * Contact events are best-effort: a past session still incomplete this long after a return is
   * filled in once with DescribeContact. @default Duration.seconds(60)
   */
  readonly gapFillAfter?: Duration;
  /** The `source` of the app's "Chat Customer Returned" events. @default 'chatline.app' */
  readonly returnEventSource?: string;
  /** EventBridge → contact-events retries before an event goes to the DLQ (0-185). @default 8 */
  readonly ruleRetryAttempts?: number;
  /** The oldest an event may be and still be delivered (1 minute - 24 hours). @default Duration.hours(2) */
  readonly ruleMaxEventAge?: Duration;
  /** Create the CloudWatch alarms. @default true */
  readonly createCloudWatchAlarms?: boolean;
  /** Alarm thresholds (see ChatlineAlarmThresholds for each default). @default - every threshold at its default */
  readonly alarmThresholds?: ChatlineAlarmThresholds;
  /** Where alarms notify, if anywhere. @default - no alarm action */
  readonly alarmTopic?: sns.ITopic;
  /** Include execution input/output in state machine logs (may hold customer ids). @default false */
  readonly includeExecutionDataInLogs?: boolean;
  /** Retention of the Lambda and state machine log groups. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Removal policy of the tables and log groups. RETAIN also turns on table deletion protection. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** Lambda runtime (arm64). @default lambda.Runtime.NODEJS_22_X */
  readonly lambdaRuntime?: lambda.Runtime;
  /** Lambda memory. @default 256 */
  readonly lambdaMemorySize?: number;
  /** Powertools log level of the Lambda steps. @default 'INFO' */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** CloudWatch namespace of the custom metrics; set one per deployment sharing an account. @default 'Chatline' */
  readonly metricsNamespace?: string;
  /** Create the ops dashboard. @default true */
  readonly createDashboard?: boolean;
  /**
   * The Connect call budget every resume-chat execution shares (core/budget.ts). @default - on,
   * at the documented quotas (CreatePersistentContactAssociation 5/s burst 8, DescribeContact
   * 10/s burst 15: Admin Guide, "Amazon Connect service quotas") minus 20% headroom
   */
  readonly connectBudget?: ChatlineBudgetProps;
}

/** An API's quota in this account and Region (Service Quotas console): calls per second and burst. */
export interface ChatlineQuota {
  readonly ratePerSecond: number;
  readonly burst: number;
}

export interface ChatlineBudgetProps {
  /** false: no pacing, throttles are only retried with jitter. @default true */
  readonly enabled?: boolean;
  /** @default { ratePerSecond: 5, burst: 8 } */
  readonly associationQuota?: ChatlineQuota;
  /** @default { ratePerSecond: 10, burst: 15 } */
  readonly describeQuota?: ChatlineQuota;
  /** Share of each quota left to the account's other callers (0 <= headroom < 1). @default 0.2 */
  readonly headroom?: number;
  /** A return that would wait longer than this for its turn is SKIPPED with that reason. @default Duration.minutes(15) */
  readonly maxWait?: Duration;
  /** Throttles outlasting a quick retry, each answered with a slower budget and a new slot, before FAILED. @default 5 */
  readonly maxThrottleRounds?: number;
}

/** The budget settings as the Lambda environment carries them (every value explicit). */
export function budgetEnvironment(props: ChatlineBudgetProps | undefined): Record<string, string> {
  const p = props ?? {};
  const a = p.associationQuota ?? DOCUMENTED_QUOTAS.association;
  const d = p.describeQuota ?? DOCUMENTED_QUOTAS.describe;
  return {
    [BUDGET_ENV.enabled]: p.enabled === false ? 'off' : 'on',
    [BUDGET_ENV.associationRate]: String(a.ratePerSecond),
    [BUDGET_ENV.associationBurst]: String(a.burst),
    [BUDGET_ENV.describeRate]: String(d.ratePerSecond),
    [BUDGET_ENV.describeBurst]: String(d.burst),
    [BUDGET_ENV.headroom]: String(p.headroom ?? DEFAULT_HEADROOM),
    [BUDGET_ENV.maxWaitSeconds]: String(p.maxWait?.toSeconds() ?? DEFAULT_BUDGET_CONFIG.maxWaitSeconds),
    [BUDGET_ENV.maxThrottleRounds]: String(p.maxThrottleRounds ?? DEFAULT_BUDGET_CONFIG.maxThrottleRounds),
  };
}

export type StepKey = keyof typeof STEP_FUNCTION_NAMES;

/** Each step's Lambda entry in handlers/lambda/ (and its bundle's folder name in dist/lambda/, without .ts). */
export const LAMBDA_ENTRIES: Record<StepKey, string> = {
  recordContactEvent: 'record-contact-event.ts',
  planResumption: 'plan-resumption.ts',
  recordOutcome: 'record-outcome.ts',
  recordDescribedContacts: 'record-described-contacts.ts',
};

interface TableAccess {
  readonly actions: readonly string[];
  /** GSIs the step queries (dynamodb:Query on `<table>/index/<name>`). */
  readonly indexes?: readonly string[];
}
type StepTableAccess = Partial<Record<StoreTable, TableAccess>>;

/**
 * The DynamoDB calls each Lambda step makes, and therefore all it may make. A test runs the steps
 * against the DynamoDB store and checks that the calls it observes are exactly these.
 * Scan (listSegments, listResumptions, listRejected) is for operators, never a step.
 */
export const STEP_TABLE_ACCESS: Record<StepKey, StepTableAccess> = {
  recordContactEvent: {
    lineage: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], indexes: ['bySession', 'byCustomer'] },
    events: { actions: ['dynamodb:PutItem'] },
  },
  planResumption: {
    lineage: { actions: ['dynamodb:GetItem'], indexes: ['bySession', 'byCustomer'] },
    ledger: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem'] },
    // The budget reservation: read the record, one conditional put on the version read.
    budget: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem'] },
  },
  recordOutcome: {
    lineage: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem'] },
    ledger: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem'] },
  },
  recordDescribedContacts: {
    lineage: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem'] },
    events: { actions: ['dynamodb:PutItem'] },
  },
};

const INSTANCE_ARN = /^arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance\/[A-Za-z0-9-]+$/;
/** The checkout (infra/..), or the package's dist/ (dist/infra/..) when installed. */
const ROOT = join(__dirname, '..');

/**
 * Where a step's code is found, from this file: the TypeScript entry of a checkout, bundled at
 * synth; else the bundle shipped in the installed package. Never a path outside either.
 */
export function lambdaCodeOf(step: StepKey): { readonly entry: string } | { readonly bundleDir: string } {
  const entry = join(ROOT, 'handlers', 'lambda', LAMBDA_ENTRIES[step]);
  if (existsSync(entry)) return { entry };
  const bundleDir = join(ROOT, 'lambda', LAMBDA_ENTRIES[step].replace(/\.ts$/, ''));
  if (existsSync(join(bundleDir, 'index.js'))) return { bundleDir };
  throw new Error(`chatline: no Lambda code for ${step}: neither ${entry} (a checkout) nor ${bundleDir}/index.js (the package; npm run build makes it)`);
}

export class ChatlineOrchestrator extends Construct {
  /** Segments and return intents (pk, sk; GSIs bySession and byCustomer). */
  readonly lineageTable: dynamodb.Table;
  /** Resumptions: the ledger of every association, one item per returning contact. */
  readonly ledgerTable: dynamodb.Table;
  /** Processed-event keys for dedup and rejected events, both expiring by TTL. */
  readonly eventsTable: dynamodb.Table;
  /** The Connect call budgets every resume-chat execution reserves its calls from (one item per API). */
  readonly budgetTable: dynamodb.Table;
  readonly recordContactEventFunction: lambda.Function;
  readonly planResumptionFunction: lambda.Function;
  readonly recordOutcomeFunction: lambda.Function;
  /** Fills lineage gaps from DescribeContact answers (resume-chat, once per return at most). */
  readonly recordDescribedContactsFunction: lambda.Function;
  /** contact-events: Express, at-least-once, one execution per event. */
  readonly contactEventsStateMachine: sfn.StateMachine;
  readonly contactEventsLogGroup: logs.LogGroup;
  /** resume-chat: Standard, one execution per returning contact (name = hash(instance, contact)). */
  readonly resumeChatStateMachine: sfn.StateMachine;
  readonly resumeChatLogGroup: logs.LogGroup;
  /** Rule A: Connect chat contact events on the default bus. */
  readonly contactEventsRule: events.Rule;
  /** Rule B: the app's "Chat Customer Returned" events on the default bus. */
  readonly customerReturnedRule: events.Rule;
  /** Events EventBridge could not deliver to contact-events after its retries. */
  readonly deadLetterQueue: sqs.Queue;
  readonly dashboard?: cloudwatch.Dashboard;
  readonly cloudwatchAlarms: cloudwatch.Alarm[];
  /** The Connect resources the resume-chat role may act on. */
  readonly connectResources: readonly string[];

  constructor(scope: Construct, id: string, props: ChatlineOrchestratorProps) {
    super(scope, id);
    validateProps(this, props);
    const removalPolicy = props.removalPolicy ?? Removal.RETAIN;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const namespace = props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE;

    // Tables, from the same descriptions the DynamoDB store and its tests use.
    const table = (key: StoreTable, name: string): dynamodb.Table => buildTable(this, name, STORE_TABLES[key], removalPolicy);
    this.lineageTable = table('lineage', 'LineageTable');
    this.ledgerTable = table('ledger', 'LedgerTable');
    this.eventsTable = table('events', 'EventsTable');
    this.budgetTable = table('budget', 'BudgetTable');

    // Lambda steps: own role, own log group, explicit table permissions.
    const environment: Record<string, string> = {
      [TABLE_NAME_ENV.lineage]: this.lineageTable.tableName,
      [TABLE_NAME_ENV.ledger]: this.ledgerTable.tableName,
      [TABLE_NAME_ENV.events]: this.eventsTable.tableName,
      [TABLE_NAME_ENV.budget]: this.budgetTable.tableName,
      REHYDRATION_POLICY: props.rehydrationPolicy ?? 'auto',
      READINESS_DELAY_SECONDS: String((props.readinessDelay ?? Duration.seconds(60)).toSeconds()),
      LATE_EVENT_GRACE_SECONDS: String((props.lateEventGrace ?? Duration.seconds(5)).toSeconds()),
      GAP_FILL_AFTER_SECONDS: String((props.gapFillAfter ?? Duration.seconds(60)).toSeconds()),
      ...budgetEnvironment(props.connectBudget),
      POWERTOOLS_SERVICE_NAME: DEFAULT_SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: namespace,
      POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
    };
    const fn = (key: StepKey, name: string): lambda.Function =>
      buildFunction(this, name, key, { environment, logRetention, removalPolicy, runtime: props.lambdaRuntime, memorySize: props.lambdaMemorySize });
    this.recordContactEventFunction = fn('recordContactEvent', 'RecordContactEvent');
    this.planResumptionFunction = fn('planResumption', 'PlanResumption');
    this.recordOutcomeFunction = fn('recordOutcome', 'RecordOutcome');
    this.recordDescribedContactsFunction = fn('recordDescribedContacts', 'RecordDescribedContacts');
    const tables: Record<StoreTable, dynamodb.Table> = {
      lineage: this.lineageTable,
      ledger: this.ledgerTable,
      events: this.eventsTable,
      budget: this.budgetTable,
    };
    const functions: Record<StepKey, lambda.Function> = {
      recordContactEvent: this.recordContactEventFunction,
      planResumption: this.planResumptionFunction,
      recordOutcome: this.recordOutcomeFunction,
      recordDescribedContacts: this.recordDescribedContactsFunction,
    };
    for (const [step, access] of Object.entries(STEP_TABLE_ACCESS) as [StepKey, StepTableAccess][]) {
      for (const [table, { actions, indexes }] of Object.entries(access) as [StoreTable, TableAccess][]) {
        allowTable(functions[step], tables[table], [...actions], [...(indexes ?? [])]);
      }
    }

    // resume-chat (Standard). Its role: the two Lambda steps, Connect on this instance only, PutEvents on the bus.
    const bus = events.EventBus.fromEventBusName(this, 'DefaultBus', DEFAULT_EVENT_BUS_NAME);
    const instanceArn = props.connectInstanceArn;
    // Service Authorization Reference, "Actions, resources, and condition keys for Amazon Connect"
    // (docs.aws.amazon.com/service-authorization/latest/reference/list_amazonconnect.html): the contact
    // resource type is arn:${Partition}:connect:${Region}:${Account}:instance/${InstanceId}/contact/${ContactId}.
    // Contact ids are minted per chat, so the contacts are named by a wildcard under this one instance.
    this.connectResources = [instanceArn, `${instanceArn}/contact/*`];
    const resumeRole = new iam.Role(this, 'ResumeChatRole', { assumedBy: new iam.ServicePrincipal('states.amazonaws.com') });
    resumeRole.addToPolicy(invokeStatement(this.planResumptionFunction, this.recordOutcomeFunction, this.recordDescribedContactsFunction));
    resumeRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ConnectPersistentChatOnThisInstance',
        actions: ['connect:CreatePersistentContactAssociation', 'connect:DescribeContact'],
        resources: [...this.connectResources],
      }),
    );
    resumeRole.addToPolicy(new iam.PolicyStatement({ sid: 'PublishOutcomes', actions: ['events:PutEvents'], resources: [bus.eventBusArn] }));
    this.resumeChatLogGroup = stateMachineLogGroup(this, 'ResumeChatLogs', logRetention, removalPolicy);
    const resumeSubstitutions: Substitutions<'resumeChat'> = {
      PlanResumptionFunctionArn: this.planResumptionFunction.functionArn,
      RecordOutcomeFunctionArn: this.recordOutcomeFunction.functionArn,
      RecordDescribedContactsFunctionArn: this.recordDescribedContactsFunction.functionArn,
      EventBusName: bus.eventBusName,
      OutcomeEventSource: CHATLINE_EVENT_SOURCE,
    };
    this.resumeChatStateMachine = new sfn.StateMachine(this, 'ResumeChat', {
      comment: `${WORKFLOWS.resumeChat.name}: ${WORKFLOWS.resumeChat.file.split('/').pop()}`,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromString(readDefinitionText('resumeChat')),
      definitionSubstitutions: resumeSubstitutions,
      role: resumeRole,
      logs: { destination: this.resumeChatLogGroup, level: sfn.LogLevel.ALL, includeExecutionData: props.includeExecutionDataInLogs ?? false },
      tracingEnabled: true,
    });

    // contact-events (Express). Its role: the record step and StartExecution of resume-chat only.
    const contactRole = new iam.Role(this, 'ContactEventsRole', { assumedBy: new iam.ServicePrincipal('states.amazonaws.com') });
    contactRole.addToPolicy(invokeStatement(this.recordContactEventFunction));
    contactRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'StartResumeChat',
        actions: ['states:StartExecution'],
        resources: [this.resumeChatStateMachine.stateMachineArn],
      }),
    );
    this.contactEventsLogGroup = stateMachineLogGroup(this, 'ContactEventsLogs', logRetention, removalPolicy);
    const contactSubstitutions: Substitutions<'contactEvents'> = {
      RecordContactEventFunctionArn: this.recordContactEventFunction.functionArn,
      ResumeChatStateMachineArn: this.resumeChatStateMachine.stateMachineArn,
    };
    this.contactEventsStateMachine = new sfn.StateMachine(this, 'ContactEvents', {
      comment: `${WORKFLOWS.contactEvents.name}: ${WORKFLOWS.contactEvents.file.split('/').pop()}`,
      stateMachineType: sfn.StateMachineType.EXPRESS,
      definitionBody: sfn.DefinitionBody.fromString(readDefinitionText('contactEvents')),
      definitionSubstitutions: contactSubstitutions,
      role: contactRole,
      logs: { destination: this.contactEventsLogGroup, level: sfn.LogLevel.ALL, includeExecutionData: props.includeExecutionDataInLogs ?? false },
      tracingEnabled: true,
    });

    // Rules on the default bus, patterns from workflows/event-patterns.ts, with a DLQ and a retry policy.
    this.deadLetterQueue = new sqs.Queue(this, 'RuleDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const target = new targets.SfnStateMachine(this.contactEventsStateMachine, {
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: props.ruleRetryAttempts ?? 8,
      maxEventAge: props.ruleMaxEventAge ?? Duration.hours(2),
    });
    const [contactRule, returnedRule] = chatlineRules(props.returnEventSource ?? DEFAULT_RETURN_EVENT_SOURCE).map(
      (rule, i) =>
        new events.Rule(this, i === 0 ? 'ContactEventsRule' : 'CustomerReturnedRule', {
          eventBus: bus,
          description: `chatline: ${rule.description} (${rule.name})`,
          eventPattern: toEventPattern(rule.pattern),
          targets: [target],
        }),
    );
    this.contactEventsRule = contactRule as events.Rule;
    this.customerReturnedRule = returnedRule as events.Rule;

    const monitoring = new ChatlineMonitoring(this, 'Monitoring', {
      namespace,
      serviceName: DEFAULT_SERVICE_NAME,
      contactEvents: this.contactEventsStateMachine,
      resumeChat: this.resumeChatStateMachine,
      functions: [this.recordContactEventFunction, this.planResumptionFunction, this.recordOutcomeFunction, this.recordDescribedContactsFunction],
      rules: [this.contactEventsRule, this.customerReturnedRule],
      deadLetterQueue: this.deadLetterQueue,
      createAlarms: props.createCloudWatchAlarms ?? true,
      createDashboard: props.createDashboard ?? true,
      ...(props.alarmThresholds ? { thresholds: props.alarmThresholds } : {}),
      ...(props.alarmTopic ? { alarmTopic: props.alarmTopic } : {}),
    });
    this.cloudwatchAlarms = monitoring.alarms;
    if (monitoring.dashboard) this.dashboard = monitoring.dashboard;

    this.acknowledgeNagFindings(instanceArn, contactRole, resumeRole);
  }

  /** Findings that are the design, each with its reason (cdk-nag v3: Validations.acknowledge). */
  private acknowledgeNagFindings(instanceArn: string, contactRole: iam.Role, resumeRole: iam.Role): void {
    const logDeliveryAndXray = {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Step Functions log delivery (logs:CreateLogDelivery, ...) and X-Ray (xray:PutTraceSegments, ...) have no resource-level permissions; CDK adds them for the logging and tracing these machines have.',
    };
    Validations.of(contactRole).acknowledge(logDeliveryAndXray);
    Validations.of(resumeRole).acknowledge(logDeliveryAndXray, {
      id: `AwsSolutions-IAM5[Resource::${instanceArn}/contact/*]`,
      reason:
        'CreatePersistentContactAssociation and DescribeContact act on contacts whose ids are minted per chat; the wildcard covers the contacts of this one Connect instance only.',
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the EventBridge rule targets.',
    });
  }
}

function validateProps(scope: Construct, props: ChatlineOrchestratorProps): void {
  const errors: string[] = [];
  const stack = Stack.of(scope);
  const arn = props.connectInstanceArn;
  if (Token.isUnresolved(arn) || !INSTANCE_ARN.test(arn)) {
    errors.push(`connectInstanceArn must be a literal arn:aws:connect:<region>:<account>:instance/<id>; got "${arn}"`);
  } else {
    const parts = Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME);
    if (!Token.isUnresolved(stack.region) && parts.region !== stack.region) {
      errors.push(`the Connect instance is in ${parts.region} but the stack is in ${stack.region}: contact events only reach the default bus of the instance's region`);
    }
    if (!Token.isUnresolved(stack.account) && parts.account !== stack.account) {
      errors.push(`the Connect instance is in account ${parts.account} but the stack is in ${stack.account}`);
    }
  }
  if (props.rehydrationPolicy !== undefined && !(REHYDRATION_POLICIES as readonly string[]).includes(props.rehydrationPolicy)) {
    errors.push(`rehydrationPolicy must be one of ${REHYDRATION_POLICIES.join(', ')}`);
  }
  const retries = props.ruleRetryAttempts;
  if (retries !== undefined && (!Number.isInteger(retries) || retries < 0 || retries > 185)) errors.push('ruleRetryAttempts must be an integer 0-185');
  const age = props.ruleMaxEventAge?.toSeconds();
  if (age !== undefined && (age < 60 || age > 86_400)) errors.push('ruleMaxEventAge must be between 1 minute and 24 hours');
  const delay = props.readinessDelay?.toSeconds();
  if (delay !== undefined && delay < 30) errors.push('readinessDelay must be at least 30 seconds (transcripts appear 30-60 s after a chat ends)');
  const source = props.returnEventSource;
  if (source !== undefined && (source.length === 0 || source.startsWith('aws.'))) errors.push('returnEventSource must be non-empty and not an aws.* source');
  try {
    budgetConfigFromEnv(budgetEnvironment(props.connectBudget));
  } catch (err) {
    errors.push(`connectBudget: ${(err as Error).message}`);
  }
  if (errors.length > 0) throw new Error(`Invalid ChatlineOrchestrator props:\n- ${errors.join('\n- ')}`);
}

function buildTable(scope: Construct, id: string, schema: TableSchema, removalPolicy: RemovalPolicy): dynamodb.Table {
  const attr = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });
  const table = new dynamodb.Table(scope, id, {
    partitionKey: attr(schema.partitionKey),
    ...(schema.sortKey ? { sortKey: attr(schema.sortKey) } : {}),
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    deletionProtection: removalPolicy === Removal.RETAIN,
    removalPolicy,
    ...(schema.ttlAttribute ? { timeToLiveAttribute: schema.ttlAttribute } : {}),
  });
  for (const index of schema.indexes) {
    table.addGlobalSecondaryIndex({
      indexName: index.name,
      partitionKey: attr(index.partitionKey),
      sortKey: attr(index.sortKey),
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }
  return table;
}

interface FunctionOptions {
  readonly environment: Record<string, string>;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  readonly runtime: lambda.Runtime | undefined;
  readonly memorySize: number | undefined;
}

/**
 * How the Lambda code is bundled, the same at synth in a checkout (NodejsFunction) and for the
 * package (infra/build-package.ts): everything bundled (the SDK too: one pinned version, faster
 * cold start), CommonJS for node22, minified with names kept. No source map: its `sources` embed
 * paths relative to the out dir and to wherever node_modules really lives, which would make the
 * asset hash differ between machines.
 */
export const LAMBDA_BUNDLE = { format: 'cjs', target: 'node22', minify: true, keepNames: true, sourceMap: false } as const;

function buildFunction(scope: Construct, id: string, step: StepKey, options: FunctionOptions): lambda.Function {
  const role = new iam.Role(scope, `${id}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: options.logRetention, removalPolicy: options.removalPolicy });
  logGroup.grantWrite(role);
  const runtime = options.runtime ?? lambda.Runtime.NODEJS_22_X;
  const common = {
    description: `chatline ${STEP_FUNCTION_NAMES[step]}`,
    runtime,
    architecture: lambda.Architecture.ARM_64,
    memorySize: options.memorySize ?? 256,
    // Below the 30 s TimeoutSeconds of every Task in the workflows, so a slow call fails as a Lambda error.
    timeout: Duration.seconds(20),
    role,
    logGroup,
    loggingFormat: lambda.LoggingFormat.JSON,
    environment: options.environment,
  };
  const code = lambdaCodeOf(step);
  const fn =
    'entry' in code
      ? new NodejsFunction(scope, id, {
          ...common,
          entry: code.entry,
          handler: 'handler',
          projectRoot: ROOT,
          depsLockFilePath: join(ROOT, 'package-lock.json'),
          bundling: {
            forceDockerBundling: false, // local esbuild, never Docker
            format: OutputFormat.CJS,
            target: LAMBDA_BUNDLE.target,
            minify: LAMBDA_BUNDLE.minify,
            keepNames: LAMBDA_BUNDLE.keepNames,
            sourceMap: LAMBDA_BUNDLE.sourceMap,
            externalModules: [],
          },
        })
      : new lambda.Function(scope, id, { ...common, code: lambda.Code.fromAsset(code.bundleDir), handler: 'index.handler' });
  if (runtime.name === lambda.Runtime.NODEJS_22_X.name) {
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is the project\'s chosen Lambda runtime (an LTS line with support into 2027, bundle target node22); pass lambdaRuntime to move to a newer one.',
    });
  }
  return fn;
}

/** lambda:InvokeFunction on exactly the function ARNs the ASL names (no `:*` qualifier wildcard). */
function invokeStatement(...functions: lambda.IFunction[]): iam.PolicyStatement {
  return new iam.PolicyStatement({ sid: 'InvokeSteps', actions: ['lambda:InvokeFunction'], resources: functions.map((f) => f.functionArn) });
}

/** Explicit table (and named index) permissions: what the store does, nothing wider. */
function allowTable(fn: lambda.Function, table: dynamodb.Table, actions: string[], queryIndexes: string[] = []): void {
  fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources: [table.tableArn] }));
  if (queryIndexes.length > 0) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: queryIndexes.map((i) => `${table.tableArn}/index/${i}`) }),
    );
  }
}

function stateMachineLogGroup(scope: Construct, id: string, retention: logs.RetentionDays, removalPolicy: RemovalPolicy): logs.LogGroup {
  // Under /aws/vendedlogs/, as Solutions Constructs do: log delivery to such groups does not grow the
  // account's CloudWatch Logs resource policy, which has a 5,120-character limit.
  const logGroupName = `/aws/vendedlogs/states/${Names.uniqueResourceName(scope, { maxLength: 150, separator: '-' })}-${id}`;
  return new logs.LogGroup(scope, id, { logGroupName, retention, removalPolicy });
}

/** The shared pattern object (EventBridge's own keys) as CDK's EventPattern; unknown keys fail. */
function toEventPattern(pattern: Record<string, unknown>): events.EventPattern {
  const keyMap: Record<string, keyof events.EventPattern> = {
    source: 'source',
    'detail-type': 'detailType',
    detail: 'detail',
    account: 'account',
    region: 'region',
    resources: 'resources',
  };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pattern)) {
    const mapped = keyMap[key];
    if (!mapped) throw new Error(`event pattern key "${key}" has no CDK mapping`);
    out[mapped] = value;
  }
  return out as events.EventPattern;
}
