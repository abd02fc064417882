/** What EventBridge counts against PutEvents' size limits, shared by the bus and its API front end. */

/** 256 KB, the PutEvents limit for the total entry size. */
export const MAX_ENTRY_BYTES = 256 * 1024;

/**
 * An entry's size as EventBridge counts it ("Calculating PutEvents event entry size", EventBridge
 * User Guide): Time 14 bytes if given, then the UTF-8 bytes of Source, DetailType, Detail and each
 * Resource. The entries of one request must total less than 256 KB.
 */
export function putEventsEntrySize(entry: SizedEntry): number {
  const bytes = (s: string | undefined) => (s === undefined ? 0 : Buffer.byteLength(s));
  return (entry.Time === undefined ? 0 : 14) + bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail) + (entry.Resources ?? []).reduce((n, r) => n + bytes(r), 0);
}

interface SizedEntry {
  readonly Source?: string;
  readonly DetailType?: string;
  readonly Detail?: string;
  readonly Resources?: readonly string[];
  readonly Time?: unknown;
}
