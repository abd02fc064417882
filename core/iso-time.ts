/**
 * A Wait state's TimestampPath value for "not before epoch ms `ms`": Step Functions "considers the
 * time value up to seconds and truncates milliseconds" (ASL Wait state,
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html), so a Wait until
 * 10:00:00.700 would end at 10:00:00, before the time it was given. Rounded up to the next whole
 * second, it never ends early.
 */
export function waitTimestamp(ms: number): string {
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString();
}
