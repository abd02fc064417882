/** The simulator's bounded contact table: what goes past the bound is spilled, and read back unchanged. */
import type { ContactArchive } from '../../../simulator/contact-table';
import { ContactTable } from '../../../simulator/contact-table';
import { temporaryContactArchive } from '../../../simulator/contact-archive';
import type { SimContact } from '../../../simulator/contacts';

const contact = (contactId: string, initialContactId = contactId): SimContact => ({
  instanceId: 'i',
  contactId,
  channel: 'CHAT',
  initiationMethod: 'API',
  initialContactId,
  initiationTimestamp: 1,
  lastUpdateTimestamp: 1,
  transferCount: 0,
  attributes: {},
  segmentAttributes: {},
  mirrored: false,
  seq: 1,
});

/** The SQLite archive, with what it was asked to save counted. */
function countingArchive(): ContactArchive & { saved: string[] } {
  const archive = temporaryContactArchive();
  const saved: string[] = [];
  return { ...archive, saved, save: (cs) => (saved.push(...cs.map((c) => c.contactId)), archive.save(cs)) };
}

const afterTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ContactTable with a bound', () => {
  it('spills the least recently used past the bound, after the operation, and reads them back with their changes', async () => {
    const archive = countingArchive();
    const table = new ContactTable(archive, 2);
    table.createInstance('i');
    for (const id of ['a', 'b', 'c', 'd']) table.add(contact(id, 'a'));
    const a = table.get('i', 'a') as SimContact; // touched: now the most recently used
    a.customerId = 'changed in the same turn';
    expect(archive.saved).toEqual([]); // nothing leaves memory during the operation
    await afterTurn();
    expect(archive.saved).toEqual(['b', 'c', 'd']); // down to 90% of the bound, oldest first
    expect(table.get('i', 'b')).toEqual(contact('b', 'a'));
    expect(table.session('i', 'a').map((c) => c.contactId).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(table.all()).toHaveLength(4);
    table.add(contact('e', 'e')); // over the bound again: a and b (least recently used) go
    await afterTurn();
    expect(archive.saved.slice(3)).toEqual(['a', 'b']);
    expect(table.get('i', 'a')?.customerId).toBe('changed in the same turn');
    table.close();
  });

  it('without an archive keeps everything in memory', async () => {
    const table = new ContactTable();
    table.createInstance('i');
    for (const id of ['a', 'b', 'c']) table.add(contact(id));
    await afterTurn();
    expect(table.all().map((c) => c.contactId)).toEqual(['a', 'b', 'c']);
  });
});
