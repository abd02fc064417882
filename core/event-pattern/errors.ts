/** Thrown for a malformed event pattern, where EventBridge's PutRule / TestEventPattern would reject it. */
export class InvalidEventPatternError extends Error {
  override readonly name = 'InvalidEventPatternError' as const;
  /** Where in the pattern the problem is, e.g. `detail.state[0]` (`$` for the pattern itself). */
  readonly path: string;
  /** The bare reason, without the path. */
  readonly reason: string;

  constructor(reason: string, path: string) {
    super(`Event pattern is not valid. Reason: ${reason} (at ${path})`);
    this.path = path;
    this.reason = reason;
  }
}
