/**
 * Step Functions over awsJson1_0 (X-Amz-Target: AWSStepFunctions.<Op>), backed by the local engine:
 * StartExecution, DescribeExecution, ListExecutions, GetExecutionHistory, StopExecution,
 * RedriveExecution, ListStateMachines, DescribeStateMachine, DescribeStateMachineForExecution.
 * Validation and error codes follow the API reference (InvalidArn, InvalidName,
 * InvalidExecutionInput, ExecutionDoesNotExist, StateMachineDoesNotExist, ExecutionAlreadyExists,
 * ExecutionNotRedrivable, StateMachineTypeNotSupported, InvalidToken, ValidationException).
 * Like AWS, the per-execution operations and ListExecutions do not serve EXPRESS workflows.
 */
import type { ExecutionView, MachineView, StepFunctionsBackend } from './backends';
import { awsHistory } from './sfn-history';
import { AwsApiError, decodeToken, encodeToken, epochSeconds, pageSize, parseBoundedJson, read, validationError } from './wire';

type Req = Record<string, unknown>;
type Op = (req: Req) => Promise<unknown> | unknown;

export interface SfnApiOptions {
  readonly sfn: StepFunctionsBackend;
  readonly accountId: string;
  readonly region: string;
  readonly now: () => Date;
  readonly createdAt: Date;
}

const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'];
const MAX_INPUT_BYTES = 256 * 1024;
const MAX_TOKEN_LENGTH = 1024;
/** Characters Step Functions does not accept in an execution name (API reference, StartExecution `name`). */
const INVALID_NAME = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/u;

/** The SDK's modeled Step Functions error names. */
const SFN_ERRORS = new Set([
  'ExecutionAlreadyExists', 'ExecutionDoesNotExist', 'ExecutionLimitExceeded', 'ExecutionNotRedrivable', 'InvalidArn', 'InvalidDefinition',
  'InvalidExecutionInput', 'InvalidName', 'InvalidToken', 'StateMachineDoesNotExist', 'StateMachineDeleting', 'StateMachineTypeNotSupported',
  'ValidationException', 'ResourceNotFound', 'ConflictException', 'ServiceQuotaExceededException',
]);

/** The engine's TaskError names ('StepFunctions.ExecutionAlreadyExistsException') → API error codes ('ExecutionAlreadyExists'). */
export function toSfnApiError(err: unknown): AwsApiError {
  if (err instanceof AwsApiError) return err;
  const e = err instanceof Error ? err : new Error(String(err));
  const bare = e.name.replace(/^StepFunctions\./, '');
  const code = SFN_ERRORS.has(bare) ? bare : SFN_ERRORS.has(bare.replace(/Exception$/, '')) ? bare.replace(/Exception$/, '') : undefined;
  return code ? new AwsApiError(code, e.message) : new AwsApiError('InternalFailure', `${e.name}: ${e.message}`, 500);
}

interface ParsedArn {
  readonly kind: string;
  readonly parts: string[];
}

function parseArn(arn: string): ParsedArn | undefined {
  const m = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:([A-Za-z]+):(.+)$/.exec(arn);
  return m ? { kind: m[1] as string, parts: (m[2] as string).split(':') } : undefined;
}

export function createStepFunctionsApi(o: SfnApiOptions): Record<string, Op> {
  const { sfn } = o;
  const stopReasons = new Map<string, { error?: string; cause?: string }>();
  const redriveTokens = new Map<string, Date>();
  const roleArn = (machineName: string): string => `arn:aws:iam::${o.accountId}:role/chatline-local-${machineName}`;

  const stateMachineArnOf = (req: Req, member = 'stateMachineArn'): string => {
    const arn = read.requiredString(req, member);
    const parsed = parseArn(arn);
    if (!parsed) throw new AwsApiError('InvalidArn', `Invalid Arn: '${arn}'`);
    if (parsed.kind !== 'stateMachine') throw new AwsApiError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${parsed.kind}'`);
    return arn;
  };
  const machineOf = (arn: string): MachineView => {
    const m = sfn.machine(arn);
    if (!m) throw new AwsApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return m;
  };
  /** A Standard execution by ARN (EXPRESS executions are not served by these operations on AWS). */
  const executionOf = (req: Req): ExecutionView => {
    const arn = read.requiredString(req, 'executionArn');
    const parsed = parseArn(arn);
    if (!parsed) throw new AwsApiError('InvalidArn', `Invalid Arn: '${arn}'`);
    if (parsed.kind !== 'execution' || parsed.parts.length < 2) {
      throw new AwsApiError('InvalidArn', parsed.kind === 'execution' ? `Invalid Arn: '${arn}'` : `Invalid Arn: 'Resource type not valid in this context: ${parsed.kind}'`);
    }
    const e = sfn.describeExecution(arn);
    if (!e) throw new AwsApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return e;
  };
  const redriveStatus = (e: ExecutionView): { redriveStatus: string; redriveStatusReason?: string } => {
    if (e.status === 'RUNNING' || e.status === 'SUCCEEDED' || e.status === 'PENDING_REDRIVE') {
      return { redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: `Execution is ${e.status} and cannot be redriven` };
    }
    if (typeof sfn.redriveExecution !== 'function') return { redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: 'The local engine does not support redrive' };
    return { redriveStatus: 'REDRIVABLE' };
  };
  const errorCause = (e: ExecutionView): Record<string, string> => {
    const stop = e.status === 'ABORTED' ? stopReasons.get(e.executionArn) : undefined;
    const error = e.error ?? stop?.error;
    const cause = e.cause ?? stop?.cause;
    return { ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause } : {}) };
  };
  const redriveInfo = (e: ExecutionView): Record<string, unknown> => ({
    ...(e.redriveCount !== undefined ? { redriveCount: e.redriveCount } : {}),
    ...(e.redriveDate ? { redriveDate: epochSeconds(e.redriveDate) } : {}),
  });

  return {
    StartExecution(req) {
      const stateMachineArn = stateMachineArnOf(req);
      const name = read.string(req, 'name');
      if (name !== undefined) {
        if (name.length < 1 || name.length > 80) throw validationError('name', name, `Member must have length ${name.length < 1 ? 'greater than or equal to 1' : 'less than or equal to 80'}`);
        if (INVALID_NAME.test(name)) throw new AwsApiError('InvalidName', `Invalid Name: '${name}'`);
      }
      const input = read.string(req, 'input') ?? '{}';
      if (Buffer.byteLength(input) > MAX_INPUT_BYTES) throw validationError('input', '<input>', `Member must have length less than or equal to ${MAX_INPUT_BYTES}`);
      parseBoundedJson(input, (reason) => new AwsApiError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${reason}'`));
      machineOf(stateMachineArn);
      try {
        const e = sfn.startExecution({ stateMachineArn, ...(name !== undefined ? { name } : {}), input });
        sfn.flush?.();
        return { executionArn: e.executionArn, startDate: epochSeconds(e.startDate) };
      } catch (err) {
        throw toSfnApiError(err);
      }
    },

    DescribeExecution(req) {
      const e = executionOf(req);
      const done = e.status !== 'RUNNING';
      return {
        executionArn: e.executionArn,
        stateMachineArn: e.stateMachineArn,
        name: e.name,
        status: e.status,
        startDate: epochSeconds(e.startDate),
        ...(done && e.stopDate ? { stopDate: epochSeconds(e.stopDate) } : {}),
        input: e.input,
        inputDetails: { included: true },
        ...(e.status === 'SUCCEEDED' && e.output !== undefined ? { output: e.output, outputDetails: { included: true } } : {}),
        ...(done ? errorCause(e) : {}),
        redriveCount: e.redriveCount ?? 0,
        ...redriveInfo(e),
        ...redriveStatus(e),
      };
    },

    DescribeStateMachineForExecution(req) {
      const e = executionOf(req);
      const m = machineOf(e.stateMachineArn);
      return { stateMachineArn: m.arn, name: m.name, definition: definitionText(m), roleArn: roleArn(m.name), updateDate: epochSeconds(m.creationDate ?? o.createdAt) };
    },

    ListExecutions(req) {
      const stateMachineArn = read.string(req, 'stateMachineArn');
      const mapRunArn = read.string(req, 'mapRunArn');
      if (stateMachineArn === undefined) {
        throw new AwsApiError('ValidationException', mapRunArn !== undefined ? `Map Run Does Not Exist: '${mapRunArn}'` : 'Must provide a StateMachine ARN or MapRun ARN');
      }
      const arn = stateMachineArnOf(req);
      const machine = machineOf(arn);
      if (machine.type === 'EXPRESS') throw new AwsApiError('StateMachineTypeNotSupported', 'This operation is not supported by this type of state machine');
      const statusFilter = read.string(req, 'statusFilter');
      if (statusFilter !== undefined && !STATUSES.includes(statusFilter)) throw validationError('statusFilter', statusFilter, `Member must satisfy enum value set: [${STATUSES.join(', ')}]`);
      const redriveFilter = read.string(req, 'redriveFilter');
      if (redriveFilter !== undefined && !['REDRIVEN', 'NOT_REDRIVEN'].includes(redriveFilter)) throw validationError('redriveFilter', redriveFilter, 'Member must satisfy enum value set: [REDRIVEN, NOT_REDRIVEN]');
      const limit = pageSize(req, 'maxResults', { min: 0, max: 1000, fallback: 100, zeroIsDefault: true });
      const scope = `executions|${arn}|${statusFilter ?? ''}|${redriveFilter ?? ''}`;
      const cursor = cursorFrom<[number, string]>(req, scope);

      // Newest first, as Step Functions lists them; ties broken by ARN so pages are stable. One
      // row more than the page says whether there is a next one.
      const rows = sfn.listExecutions({
        stateMachineArn: arn,
        ...(statusFilter !== undefined ? { status: statusFilter } : {}),
        ...(redriveFilter !== undefined ? { redriven: redriveFilter === 'REDRIVEN' } : {}),
        ...(cursor ? { after: cursor } : {}),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        executions: page.map((e) => ({
          executionArn: e.executionArn,
          stateMachineArn: e.stateMachineArn,
          name: e.name,
          status: e.status,
          startDate: epochSeconds(e.startDate),
          ...(e.status !== 'RUNNING' && e.stopDate ? { stopDate: epochSeconds(e.stopDate) } : {}),
          ...redriveInfo(e),
        })),
        ...(rows.length > page.length && last ? { nextToken: encodeToken(scope, [last.startDate.getTime(), last.executionArn]) } : {}),
      };
    },

    GetExecutionHistory(req) {
      const e = executionOf(req);
      const reverseOrder = read.boolean(req, 'reverseOrder') ?? false;
      const includeExecutionData = read.boolean(req, 'includeExecutionData') ?? true;
      const limit = pageSize(req, 'maxResults', { min: 0, max: 1000, fallback: 100, zeroIsDefault: true });
      const scope = `history|${e.executionArn}|${reverseOrder ? 'r' : 'f'}|${includeExecutionData ? 'd' : ''}`;
      const cursor = cursorFrom<number>(req, scope);
      const machine = sfn.machine(e.stateMachineArn);
      let events = awsHistory({ execution: e, history: sfn.history(e.executionArn), machine, region: o.region, roleArn: roleArn(machine?.name ?? e.stateMachineArn.split(':').pop() ?? ''), includeExecutionData, stopReason: stopReasons.get(e.executionArn) });
      if (reverseOrder) events = events.reverse();
      if (cursor !== undefined) events = events.filter((ev) => (reverseOrder ? (ev['id'] as number) < cursor : (ev['id'] as number) > cursor));
      const page = events.slice(0, limit);
      const last = page[page.length - 1];
      return { events: page, ...(events.length > page.length && last ? { nextToken: encodeToken(scope, last['id']) } : {}) };
    },

    async StopExecution(req) {
      const error = read.string(req, 'error');
      const cause = read.string(req, 'cause');
      if (error !== undefined && error.length > 256) throw validationError('error', error, 'Member must have length less than or equal to 256');
      if (cause !== undefined && cause.length > 32768) throw validationError('cause', '<cause>', 'Member must have length less than or equal to 32768');
      const e = executionOf(req);
      if (e.status === 'RUNNING') {
        const reason = { ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause } : {}) };
        stopReasons.set(e.executionArn, reason);
        sfn.stopExecution(e.executionArn, reason);
        if (sfn.waitFor) await Promise.race([sfn.waitFor(e.executionArn).catch(() => undefined), new Promise((r) => setTimeout(r, 5000).unref())]);
      }
      sfn.flush?.();
      const after = sfn.describeExecution(e.executionArn) ?? e;
      return { stopDate: epochSeconds(after.stopDate ?? o.now()) };
    },

    RedriveExecution(req) {
      const clientToken = read.string(req, 'clientToken');
      if (clientToken !== undefined && (clientToken.length < 1 || clientToken.length > 64)) throw validationError('clientToken', clientToken, 'Member must have length less than or equal to 64');
      const e = executionOf(req);
      const tokenKey = clientToken !== undefined ? `${e.executionArn}|${clientToken}` : undefined;
      const replay = tokenKey ? redriveTokens.get(tokenKey) : undefined;
      if (replay) return { redriveDate: epochSeconds(replay) };
      if (typeof sfn.redriveExecution !== 'function') {
        throw new AwsApiError('ExecutionNotRedrivable', `Execution cannot be redriven: the local engine does not support redrive ('${e.executionArn}')`);
      }
      let redriven: ExecutionView;
      try {
        redriven = sfn.redriveExecution(e.executionArn);
      } catch (err) {
        throw toSfnApiError(err);
      }
      sfn.flush?.();
      const redriveDate = redriven.redriveDate ?? o.now();
      if (tokenKey) redriveTokens.set(tokenKey, redriveDate);
      return { redriveDate: epochSeconds(redriveDate) };
    },

    ListStateMachines(req) {
      const limit = pageSize(req, 'maxResults', { min: 0, max: 1000, fallback: 100, zeroIsDefault: true });
      const scope = 'stateMachines';
      const cursor = cursorFrom<string>(req, scope);
      const all = sfn
        .machineArns()
        .map((arn) => sfn.machine(arn))
        .filter((m): m is MachineView => m !== undefined)
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const after = cursor !== undefined ? all.filter((m) => m.name > cursor) : all;
      const page = after.slice(0, limit);
      const last = page[page.length - 1];
      return {
        stateMachines: page.map((m) => ({ stateMachineArn: m.arn, name: m.name, type: m.type, creationDate: epochSeconds(m.creationDate ?? o.createdAt) })),
        ...(after.length > page.length && last ? { nextToken: encodeToken(scope, last.name) } : {}),
      };
    },

    DescribeStateMachine(req) {
      const m = machineOf(stateMachineArnOf(req));
      return {
        stateMachineArn: m.arn,
        name: m.name,
        status: 'ACTIVE',
        definition: definitionText(m),
        roleArn: roleArn(m.name),
        type: m.type,
        creationDate: epochSeconds(m.creationDate ?? o.createdAt),
        loggingConfiguration: { level: 'OFF', includeExecutionData: false },
        tracingConfiguration: { enabled: false },
      };
    },
  };
}

function definitionText(m: MachineView): string {
  return typeof m.definition === 'string' ? m.definition : JSON.stringify(m.definition, null, 2);
}

function cursorFrom<T>(req: Req, scope: string): T | undefined {
  const token = read.string(req, 'nextToken');
  if (token === undefined) return undefined;
  if (token.length > MAX_TOKEN_LENGTH) throw validationError('nextToken', token, `Member must have length less than or equal to ${MAX_TOKEN_LENGTH}`);
  const cursor = decodeToken<T>(token, scope);
  if (cursor === undefined) throw new AwsApiError('InvalidToken', `Invalid Token: '${token}'`);
  return cursor;
}
