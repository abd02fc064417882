/**
 * The Connect operations: validate the request shape, apply ClientToken idempotency, call the
 * contacts model, and build the restJson1 response body (PascalCase, epoch-second timestamps).
 */
import { type ContactStore, REHYDRATION_TYPES, type SimContact, type StartChatInput } from './contacts';
import { ConnectError } from './errors';
import type { TokenStore } from './idempotency';
import type { Prng } from './prng';
import type { ApiName, Semantics } from './semantics';
import { Validator } from './validate';

export interface OperationContext {
  store: ContactStore;
  tokens: TokenStore;
  semantics: Semantics;
  ids: Prng;
}

/** What an operation did: the 200 body, and whether it was a ClientToken replay. */
export interface OperationResult {
  body: unknown;
  replayed: boolean;
}

type Operation = (ctx: OperationContext, labels: string[], body: Record<string, unknown>) => OperationResult;

const seconds = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : ms / 1000);

/** Run `fn` once per ClientToken: replay the stored 200 for the same parameters, refuse different ones. */
function idempotent(
  ctx: OperationContext,
  api: ApiName,
  token: string | undefined,
  params: unknown,
  fn: () => unknown,
): OperationResult {
  // An empty token (the model allows length 0) is treated as no token.
  if (token === undefined || token === '') return { body: fn(), replayed: false };
  const hit = ctx.tokens.lookup(api, token, params);
  if (hit.kind === 'replay') return { body: hit.response, replayed: true };
  if (hit.kind === 'mismatch') {
    throw new ConnectError(
      ctx.semantics.idempotencyMismatchError[api],
      'The ClientToken was already used with different request parameters',
    );
  }
  const body = fn();
  ctx.tokens.store(api, token, params, body);
  return { body, replayed: false };
}

const createPersistentContactAssociation: Operation = (ctx, labels, body) => {
  const v = new Validator(body, 'InvalidParameterException');
  const InstanceId = v.required('InstanceId', 1, 100, labels[0]);
  const InitialContactId = v.required('InitialContactId', 1, 256, labels[1]);
  const RehydrationType = v.enumOf('RehydrationType', REHYDRATION_TYPES);
  const SourceContactId = v.required('SourceContactId', 1, 256);
  const ClientToken = v.optional('ClientToken', 0, 500);
  const params = { InstanceId, InitialContactId, RehydrationType, SourceContactId };
  // 'check-state-first': a repeat of a call that committed is refused, not replayed.
  if (ctx.semantics.cpcaTokenReplay === 'check-state-first') ctx.store.checkAssociable(InstanceId, InitialContactId, SourceContactId);
  return idempotent(ctx, 'CreatePersistentContactAssociation', ClientToken, params, () => ({
    ContinuedFromContactId: ctx.store.associate(InstanceId, InitialContactId, RehydrationType, SourceContactId),
  }));
};

export function describeContactBody(store: ContactStore, c: SimContact, sem: Semantics): Record<string, unknown> {
  const Contact: Record<string, unknown> = {
    Arn: store.contactArn(c.instanceId, c.contactId),
    Id: c.contactId,
  };
  if (c.initialContactId !== c.contactId || sem.firstSegmentInitialContactId === 'self') Contact['InitialContactId'] = c.initialContactId;
  if (c.previousContactId !== undefined) Contact['PreviousContactId'] = c.previousContactId;
  if (c.relatedContactId !== undefined) Contact['RelatedContactId'] = c.relatedContactId;
  Contact['InitiationMethod'] = c.initiationMethod;
  Contact['Channel'] = c.channel;
  if (c.queue) Contact['QueueInfo'] = { Id: c.queue.id, EnqueueTimestamp: seconds(c.queue.enqueueTimestamp) };
  if (c.agent) Contact['AgentInfo'] = { Id: c.agent.id, ConnectedToAgentTimestamp: seconds(c.agent.connectedToAgentTimestamp) };
  Contact['InitiationTimestamp'] = seconds(c.initiationTimestamp);
  if (c.disconnectTimestamp !== undefined) Contact['DisconnectTimestamp'] = seconds(c.disconnectTimestamp);
  Contact['LastUpdateTimestamp'] = seconds(c.lastUpdateTimestamp);
  if (c.connectedToSystemTimestamp !== undefined) Contact['ConnectedToSystemTimestamp'] = seconds(c.connectedToSystemTimestamp);
  if (c.customerId !== undefined) Contact['CustomerId'] = c.customerId;
  if (Object.keys(c.segmentAttributes).length > 0) Contact['SegmentAttributes'] = c.segmentAttributes;
  if (Object.keys(c.attributes).length > 0) Contact['Attributes'] = c.attributes;
  return { Contact };
}

const describeContact: Operation = (ctx, labels) => {
  const v = new Validator({}, 'InvalidParameterException');
  const InstanceId = v.required('InstanceId', 1, 100, labels[0]);
  const ContactId = v.required('ContactId', 1, 256, labels[1]);
  const c = ctx.store.require(InstanceId, ContactId);
  return { body: describeContactBody(ctx.store, c, ctx.semantics), replayed: false };
};

const startChatContact: Operation = (ctx, _labels, body) => {
  const v = new Validator(body, 'InvalidParameterException');
  const InstanceId = v.required('InstanceId', 1, 100);
  const ContactFlowId = v.required('ContactFlowId', 0, 500);
  const participant = v.object('ParticipantDetails');
  if (!participant) return v.fail('ParticipantDetails is required');
  const DisplayName = v.required('ParticipantDetails.DisplayName', 1, 256, participant['DisplayName']);
  const CustomerId = v.optional('CustomerId', 1, 128);
  const RelatedContactId = v.optional('RelatedContactId', 1, 256);
  const ClientToken = v.optional('ClientToken', 0, 500);
  v.integer('ChatDurationInMinutes', 60, 10080);
  const Attributes = v.stringMap('Attributes');
  const pc = v.object('PersistentChat');
  let persistentChat: StartChatInput['persistentChat'];
  if (pc) {
    // "RehydrationType is required for persistent chat" (API_PersistentChat).
    const rehydrationType = v.enumOf('PersistentChat.RehydrationType', REHYDRATION_TYPES, pc['RehydrationType']);
    const sourceContactId = v.required('PersistentChat.SourceContactId', 1, 256, pc['SourceContactId']);
    persistentChat = { rehydrationType, sourceContactId };
  }
  let segmentAttributes: StartChatInput['segmentAttributes'];
  const rawSegments = v.object('SegmentAttributes');
  if (rawSegments) {
    segmentAttributes = {};
    for (const [k, val] of Object.entries(rawSegments)) {
      const o = v.object(`SegmentAttributes.${k}`, val);
      if (!o) return v.fail(`SegmentAttributes.${k} must be an object`);
      const valueString = o['ValueString'];
      segmentAttributes[k] = typeof valueString === 'string' ? { ValueString: valueString } : {};
    }
  }
  const { ClientToken: _token, ...params } = body;
  void _token;
  void ContactFlowId;
  return idempotent(ctx, 'StartChatContact', ClientToken, params, () => {
    ctx.store.requireInstance(InstanceId);
    const input: StartChatInput = { instanceId: InstanceId, displayName: DisplayName };
    if (CustomerId !== undefined) input.customerId = CustomerId;
    if (RelatedContactId !== undefined) input.relatedContactId = RelatedContactId;
    if (persistentChat) input.persistentChat = persistentChat;
    if (Attributes) input.attributes = Attributes;
    if (segmentAttributes) input.segmentAttributes = segmentAttributes;
    const out = ctx.store.startChat(input);
    const res: Record<string, unknown> = {
      ContactId: out.contact.contactId,
      ParticipantId: ctx.ids.uuid(),
      ParticipantToken: `sim-participant-token-${ctx.ids.uuid()}`,
    };
    if (out.continuedFromContactId !== undefined) res['ContinuedFromContactId'] = out.continuedFromContactId;
    return res;
  });
};

const stopContact: Operation = (ctx, _labels, body) => {
  const v = new Validator(body, 'InvalidParameterException');
  const ContactId = v.required('ContactId', 1, 256);
  const InstanceId = v.required('InstanceId', 1, 100);
  v.object('DisconnectReason');
  ctx.store.requireInstance(InstanceId);
  const c = ctx.store.get(InstanceId, ContactId);
  if (!c) throw new ConnectError('ContactNotFoundException', `Contact not found: ${ContactId}`);
  if (!ctx.store.isActive(c)) {
    throw new ConnectError(ctx.semantics.stopEndedContactError, `Contact ${ContactId} is not active`);
  }
  ctx.store.endContact(InstanceId, ContactId);
  return { body: {}, replayed: false };
};

const transferContact: Operation = (ctx, _labels, body) => {
  // TransferContact does not model InvalidParameterException; shape errors are InvalidRequestException.
  const v = new Validator(body, 'InvalidRequestException');
  const InstanceId = v.required('InstanceId', 1, 100);
  const ContactId = v.required('ContactId', 1, 256);
  const ContactFlowId = v.required('ContactFlowId', 0, 500);
  const QueueId = v.optional('QueueId', 1, 500);
  const UserId = v.optional('UserId', 1, 500);
  const ClientToken = v.optional('ClientToken', 0, 500);
  if (QueueId !== undefined && UserId !== undefined) v.fail('Do not use both QueueId and UserId in the same call');
  if (QueueId === undefined && UserId === undefined) v.fail('One of QueueId or UserId is required');
  const params = { InstanceId, ContactId, ContactFlowId, QueueId, UserId };
  return idempotent(ctx, 'TransferContact', ClientToken, params, () => {
    const c = ctx.store.require(InstanceId, ContactId);
    if ((c.channel === 'CHAT' && ctx.semantics.transferApiChat === 'reject') || c.channel === 'VOICE') {
      throw new ConnectError('InvalidRequestException', 'Transfer is only supported for TASK and EMAIL contacts');
    }
    if (!ctx.store.isActive(c)) throw new ConnectError('InvalidRequestException', `Contact ${ContactId} is not active`);
    // A user id may be given as an ARN; the simulator keeps the last path segment.
    const target = UserId !== undefined ? { agentId: UserId.split('/').pop() ?? UserId, connect: false } : { queueId: QueueId ?? '' };
    const next = ctx.store.transferContact(InstanceId, ContactId, target);
    return { ContactId: next.contactId, ContactArn: ctx.store.contactArn(InstanceId, next.contactId) };
  });
};

const getContactAttributes: Operation = (ctx, labels) => {
  // GetContactAttributes does not model InvalidParameterException either.
  const v = new Validator({}, 'InvalidRequestException');
  const InstanceId = v.required('InstanceId', 1, 100, labels[0]);
  const InitialContactId = v.required('InitialContactId', 1, 256, labels[1]);
  const c = ctx.store.require(InstanceId, InitialContactId);
  return { body: { Attributes: { ...c.attributes } }, replayed: false };
};

export const OPERATIONS: Readonly<Record<ApiName, Operation>> = {
  CreatePersistentContactAssociation: createPersistentContactAssociation,
  DescribeContact: describeContact,
  StartChatContact: startChatContact,
  StopContact: stopContact,
  TransferContact: transferContact,
  GetContactAttributes: getContactAttributes,
};
