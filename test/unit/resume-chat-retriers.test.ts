/**
 * Every Lambda task of resume-chat retries the errors AWS recommends retrying for Lambda
 * integrations (Lambda.ServiceException, Lambda.AWSLambdaException, Lambda.SdkClientException,
 * Lambda.ClientExecutionTimeoutException), and PublishOutcome retries EventBridge.FailedEntry
 * (FailedEntryCount > 0) before RecordPublishFailure records that the event is missing.
 */
import definition from '../../workflows/resume-chat.asl.json';

interface State {
  Type: string;
  Resource?: string;
  Retry?: { ErrorEquals: string[] }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  ItemProcessor?: { States: Record<string, State> };
}

const RECOMMENDED = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.ClientExecutionTimeoutException'];

function tasks(states: Record<string, State>): [string, State][] {
  return Object.entries(states).flatMap(([name, s]) => [[name, s] as [string, State], ...(s.ItemProcessor ? tasks(s.ItemProcessor.States) : [])]);
}

const states = (definition as unknown as { States: Record<string, State> }).States;

it.each(tasks(states).filter(([, s]) => s.Resource === 'arn:aws:states:::lambda:invoke'))('%s retries the recommended Lambda errors', (_name, state) => {
  expect((state.Retry ?? []).flatMap((r) => r.ErrorEquals)).toEqual(expect.arrayContaining(RECOMMENDED));
});

it('PublishOutcome retries EventBridge.FailedEntry, then goes to RecordPublishFailure', () => {
  const publish = states['PublishOutcome'] as State;
  expect((publish.Retry ?? []).flatMap((r) => r.ErrorEquals)).toContain('EventBridge.FailedEntry');
  expect(publish.Catch).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'RecordPublishFailure' })]);
});
