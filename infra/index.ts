/**
 * `chatline/infra`: the CDK construct, as a CDK app imports it from the installed package.
 *
 *   import { ChatlineOrchestrator } from 'chatline/infra';
 *   new ChatlineOrchestrator(stack, 'Chatline', { connectInstanceArn: 'arn:aws:connect:...' });
 */
export { ChatlineOrchestrator, STEP_TABLE_ACCESS } from './chatline-orchestrator';
export type { ChatlineBudgetProps, ChatlineOrchestratorProps, ChatlineQuota, StepKey } from './chatline-orchestrator';
export { ChatlineStack } from './chatline-stack';
export type { ChatlineStackProps } from './chatline-stack';
export type { ChatlineAlarmThresholds } from './monitoring';
