/** The sample stack: one ChatlineOrchestrator, configured from props (the app reads context). */
import type { StackProps } from 'aws-cdk-lib';
import { CfnOutput, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { ChatlineOrchestratorProps } from './chatline-orchestrator';
import { ChatlineOrchestrator } from './chatline-orchestrator';

export interface ChatlineStackProps extends StackProps {
  readonly orchestrator: ChatlineOrchestratorProps;
}

export class ChatlineStack extends Stack {
  readonly orchestrator: ChatlineOrchestrator;

  constructor(scope: Construct, id: string, props: ChatlineStackProps) {
    super(scope, id, props);
    this.orchestrator = new ChatlineOrchestrator(this, 'Chatline', props.orchestrator);
    const o = this.orchestrator;
    new CfnOutput(this, 'ResumeChatStateMachineArn', { value: o.resumeChatStateMachine.stateMachineArn });
    new CfnOutput(this, 'ContactEventsStateMachineArn', { value: o.contactEventsStateMachine.stateMachineArn });
    new CfnOutput(this, 'LineageTableName', { value: o.lineageTable.tableName });
    new CfnOutput(this, 'LedgerTableName', { value: o.ledgerTable.tableName });
    new CfnOutput(this, 'EventsTableName', { value: o.eventsTable.tableName });
    new CfnOutput(this, 'BudgetTableName', { value: o.budgetTable.tableName });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: o.deadLetterQueue.queueUrl });
    if (o.dashboard) new CfnOutput(this, 'DashboardName', { value: o.dashboard.dashboardName });
  }
}
