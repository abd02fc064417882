/**
 * Where the simulator keeps its contacts: in memory, or, with a `maxLive` bound, the most
 * recently used `maxLive` in memory and the rest in a ContactArchive (./contact-archive.ts), read
 * back when asked for. A replay mirrors every contact of its file, and Connect keeps contacts for
 * 24 months (docs/sources.md), so nothing may be forgotten; only where it lives changes.
 *
 * Spilling is write-back and deferred: a contact leaves memory (its current state written to the
 * archive) in a microtask after the operation that pushed the count over the bound, never while
 * a synchronous ContactStore operation may still hold and change it.
 */
import type { SimContact } from './contacts';

export interface ContactArchive {
  /** Writes (or overwrites) the contacts' current state. */
  save(contacts: readonly SimContact[]): void;
  load(instanceId: string, contactId: string): SimContact | undefined;
  /** The archived contacts of a session (same initialContactId). */
  session(instanceId: string, initialContactId: string): SimContact[];
  all(): SimContact[];
  close(): void;
}

export class ContactTable {
  /** The contacts in memory, per instance. */
  private readonly instances = new Map<string, Map<string, SimContact>>();
  /** With an archive: the contacts in memory, least recently used first. */
  private readonly recency = new Set<SimContact>();
  private trimQueued = false;

  constructor(
    private readonly archive?: ContactArchive,
    private readonly maxLive = Number.POSITIVE_INFINITY,
  ) {}

  createInstance(instanceId: string): void {
    if (!this.instances.has(instanceId)) this.instances.set(instanceId, new Map());
  }

  hasInstance(instanceId: string): boolean {
    return this.instances.has(instanceId);
  }

  get(instanceId: string, contactId: string): SimContact | undefined {
    const contacts = this.instances.get(instanceId);
    if (!contacts) return undefined;
    const live = contacts.get(contactId);
    if (live) {
      this.touch(live);
      return live;
    }
    const archived = this.archive?.load(instanceId, contactId);
    if (archived) this.admit(contacts, archived);
    return archived;
  }

  add(c: SimContact): void {
    this.createInstance(c.instanceId);
    this.admit(this.instances.get(c.instanceId) as Map<string, SimContact>, c);
  }

  /** Contacts of the session (same initial contact), in memory or archived. */
  session(instanceId: string, initialContactId: string): SimContact[] {
    const contacts = this.instances.get(instanceId);
    if (!contacts) return [];
    const out = [...contacts.values()].filter((x) => x.initialContactId === initialContactId);
    for (const x of this.archive?.session(instanceId, initialContactId) ?? []) {
      if (!contacts.has(x.contactId)) out.push(x);
    }
    return out;
  }

  all(): SimContact[] {
    const out: SimContact[] = [];
    for (const m of this.instances.values()) out.push(...m.values());
    for (const x of this.archive?.all() ?? []) {
      if (!this.instances.get(x.instanceId)?.has(x.contactId)) out.push(x);
    }
    return out;
  }

  /** Closes the archive (a temporary file: what it held goes with it). */
  close(): void {
    this.archive?.close();
  }

  private admit(contacts: Map<string, SimContact>, c: SimContact): void {
    contacts.set(c.contactId, c);
    if (!this.archive) return;
    this.recency.add(c);
    if (this.recency.size > this.maxLive && !this.trimQueued) {
      this.trimQueued = true;
      queueMicrotask(() => this.trim());
    }
  }

  private touch(c: SimContact): void {
    if (!this.archive) return;
    this.recency.delete(c);
    this.recency.add(c);
  }

  /** Spills the least recently used contacts, a tenth of the bound at a time (one archive write). */
  private trim(): void {
    this.trimQueued = false;
    if (!this.archive || this.recency.size <= this.maxLive) return;
    const target = Math.floor(this.maxLive * 0.9);
    const spilled: SimContact[] = [];
    for (const c of this.recency) {
      if (this.recency.size - spilled.length <= target) break;
      spilled.push(c);
    }
    this.archive.save(spilled);
    for (const c of spilled) {
      this.recency.delete(c);
      this.instances.get(c.instanceId)?.delete(c.contactId);
    }
  }
}
