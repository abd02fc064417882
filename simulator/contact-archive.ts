/**
 * A ContactArchive in a temporary SQLite file: better-sqlite3 opened on "" is SQLite's private
 * temporary on-disk database, deleted when the connection closes
 * (https://www.sqlite.org/c3ref/open.html: "If the filename is an empty string, then a private,
 * temporary on-disk database will be created"). It is a spill area, not
 * durable state: a stack restarted on its SQLite file rebuilds its simulator from the mirrored
 * events it journaled. The page cache is capped, so memory stays flat however much it holds.
 */
import Database from 'better-sqlite3';
import type { ContactArchive } from './contact-table';
import type { SimContact } from './contacts';

/** SQLite's page cache for the archive, in KiB (negative cache_size = KiB). */
const CACHE_KIB = 4096;

export function temporaryContactArchive(): ContactArchive {
  const db = new Database('');
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma(`cache_size = -${CACHE_KIB}`);
  db.exec(`CREATE TABLE contacts (
    instance_id TEXT NOT NULL, contact_id TEXT NOT NULL, initial_contact_id TEXT NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (instance_id, contact_id)) WITHOUT ROWID`);
  db.exec('CREATE INDEX contacts_by_session ON contacts (instance_id, initial_contact_id)');
  const put = db.prepare('INSERT OR REPLACE INTO contacts (instance_id, contact_id, initial_contact_id, body) VALUES (?, ?, ?, ?)');
  const one = db.prepare('SELECT body FROM contacts WHERE instance_id = ? AND contact_id = ?').pluck();
  const ofSession = db.prepare('SELECT body FROM contacts WHERE instance_id = ? AND initial_contact_id = ?').pluck();
  const every = db.prepare('SELECT body FROM contacts').pluck();
  const saveAll = db.transaction((contacts: readonly SimContact[]) => {
    for (const c of contacts) put.run(c.instanceId, c.contactId, c.initialContactId, JSON.stringify(c));
  });
  const parse = (body: unknown): SimContact => JSON.parse(body as string) as SimContact;
  // After close (the stack has stopped) the archive reads as empty; a write then is a bug and throws.
  return {
    save: (contacts) => void saveAll(contacts),
    load: (instanceId, contactId) => {
      const body = db.open ? one.get(instanceId, contactId) : undefined;
      return body === undefined ? undefined : parse(body);
    },
    session: (instanceId, initialContactId) => (db.open ? ofSession.all(instanceId, initialContactId).map(parse) : []),
    all: () => (db.open ? every.all().map(parse) : []),
    close: () => void (db.open && db.close()),
  };
}
