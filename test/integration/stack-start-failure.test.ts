/**
 * A start that fails after the stack opened its file and its port (here: a workflow definition the
 * engine refuses) closes them again: the caller's process can exit, and the file opens again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack } from '../../local/stack';

let mockBrokenResumeChat = false;
jest.mock('../../workflows/definitions', () => {
  const actual = jest.requireActual<typeof import('../../workflows/definitions')>('../../workflows/definitions');
  return {
    ...actual,
    renderDefinition: (key: Parameters<typeof actual.renderDefinition>[0], substitutions: never) => {
      const definition = actual.renderDefinition(key, substitutions) as Record<string, unknown>;
      return mockBrokenResumeChat && key === 'resumeChat' ? { ...definition, StartAt: 'NoSuchState' } : definition;
    },
  };
});

describe('a local stack whose start fails', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chatline-start-failure-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** Listening servers, once the loop has run the close callbacks of handles closed just now. */
  const listening = async (): Promise<number> => {
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
    return process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
  };

  it('rejects with the reason and leaves no server and no lock behind', async () => {
    const dbPath = join(dir, 'chatline.db');
    const before = await listening();
    mockBrokenResumeChat = true;
    await expect(startLocalStack({ dbPath })).rejects.toThrow(/MISSING_TRANSITION_TARGET.*NoSuchState/);
    expect(await listening()).toBe(before);
    // The file is not held: the next start on it succeeds.
    mockBrokenResumeChat = false;
    const stack = await startLocalStack({ dbPath });
    expect(stack.sfn.machineArns()).toHaveLength(2);
    expect(await listening()).toBe(before + 1);
    await stack.close();
    expect(await listening()).toBe(before);
  });
});
