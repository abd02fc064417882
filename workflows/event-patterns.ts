/**
 * The EventBridge rule patterns, defined once: the CDK rules and the local bus both use these.
 */
import {
  CONNECT_EVENT_SOURCE,
  CONTACT_EVENT_DETAIL_TYPE,
  CUSTOMER_RETURNED_DETAIL_TYPE,
  DEFAULT_RETURN_EVENT_SOURCE,
} from '../core/constants';

/** Rule A: Connect chat contact events. */
export function contactEventPattern(): Record<string, unknown> {
  return { source: [CONNECT_EVENT_SOURCE], 'detail-type': [CONTACT_EVENT_DETAIL_TYPE], detail: { channel: ['CHAT'] } };
}

/** Rule B: the app's `Chat Customer Returned` events. */
export function customerReturnedPattern(source: string = DEFAULT_RETURN_EVENT_SOURCE): Record<string, unknown> {
  return { source: [source], 'detail-type': [CUSTOMER_RETURNED_DETAIL_TYPE] };
}

export interface RuleDefinition {
  readonly name: string;
  readonly description: string;
  readonly pattern: Record<string, unknown>;
}

/** Both rules target the contact-events workflow. */
export function chatlineRules(returnEventSource: string = DEFAULT_RETURN_EVENT_SOURCE): RuleDefinition[] {
  return [
    { name: 'chatline-contact-events', description: 'Amazon Connect chat contact events', pattern: contactEventPattern() },
    { name: 'chatline-customer-returned', description: 'Chat Customer Returned app events', pattern: customerReturnedPattern(returnEventSource) },
  ];
}
