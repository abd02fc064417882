/**
 * Event sources, detail-types and fixed local identities, in one place. Infra (rules), the local
 * bus, the simulator and the handlers all import these; nothing else spells them.
 */

/** Amazon Connect contact events on the default bus (Admin Guide, contact-events). */
export const CONNECT_EVENT_SOURCE = 'aws.connect';
export const CONTACT_EVENT_DETAIL_TYPE = 'Amazon Connect Contact Event';

/** The app event a chat backend publishes when a customer comes back. Source is configurable. */
export const DEFAULT_RETURN_EVENT_SOURCE = 'chatline.app';
export const CUSTOMER_RETURNED_DETAIL_TYPE = 'Chat Customer Returned';

/** Outcome events chatline publishes after every resumption. */
export const CHATLINE_EVENT_SOURCE = 'chatline';
export const RESUMPTION_DETAIL_TYPES = {
  ASSOCIATED: 'Chat Resumption Succeeded',
  FAILED: 'Chat Resumption Failed',
  SKIPPED: 'Chat Resumption Skipped',
} as const;

/** The account and region the local stack pretends to be (used in every local ARN). */
export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_REGION = 'us-east-1';
export const DEFAULT_EVENT_BUS_NAME = 'default';
