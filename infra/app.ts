/**
 * The CDK app `cdk.json` runs. cdk-nag AwsSolutions checks run in every synth and fail it on any
 * unacknowledged finding. The sample stack has a fixed account and region so the committed
 * baseline (infra/baseline/) is stable; override them, and the instance, with context:
 *
 *   npx cdk deploy -c account=111122223333 -c region=eu-west-2 \
 *     -c connectInstanceArn=arn:aws:connect:eu-west-2:111122223333:instance/<id>
 */
import { App, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parsePolicy } from '../core/config';
import { ChatlineStack } from './chatline-stack';

export const SAMPLE = {
  stackName: 'ChatlineStack',
  account: '123456789012',
  region: 'eu-west-2',
  connectInstanceArn: 'arn:aws:connect:eu-west-2:123456789012:instance/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
} as const;

export function buildApp(app: App = new App()): { app: App; stack: ChatlineStack } {
  const ctx = (key: string): string | undefined => app.node.tryGetContext(key) as string | undefined;
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  const policy = ctx('rehydrationPolicy');
  const stack = new ChatlineStack(app, SAMPLE.stackName, {
    env: { account: ctx('account') ?? SAMPLE.account, region: ctx('region') ?? SAMPLE.region },
    description: 'chatline: resumes Amazon Connect chats with CreatePersistentContactAssociation',
    orchestrator: {
      connectInstanceArn: ctx('connectInstanceArn') ?? SAMPLE.connectInstanceArn,
      ...(policy ? { rehydrationPolicy: parsePolicy(policy) } : {}),
      ...(ctx('returnEventSource') ? { returnEventSource: ctx('returnEventSource') as string } : {}),
      // `-c destroyData=true` for a throwaway deployment: tables and logs go with the stack.
      ...(ctx('destroyData') === 'true' ? { removalPolicy: RemovalPolicy.DESTROY } : {}),
    },
  });
  return { app, stack };
}

if (require.main === module) buildApp().app.synth();
