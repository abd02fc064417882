/** The shutdown controller every command uses: first signal stops cleanly, a second exits now. */
import { EventEmitter } from 'node:events';
import { Shutdown } from '../../cli/shutdown';

function fakeProcess() {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  return {
    exits,
    send: (signal: NodeJS.Signals) => emitter.emit(signal, signal),
    proc: {
      once: (event: NodeJS.Signals, listener: (s: NodeJS.Signals) => void) => emitter.once(event, listener),
      removeListener: (event: NodeJS.Signals, listener: (s: NodeJS.Signals) => void) => emitter.removeListener(event, listener),
      exit: (code: number) => void exits.push(code),
    },
  };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('Shutdown', () => {
  it('on the first signal aborts the signal, runs the stops newest first, then exits with the command code', async () => {
    const p = fakeProcess();
    const s = new Shutdown(p.proc);
    const order: string[] = [];
    s.arm({ exitCode: () => 0, say: () => undefined });
    s.onStop(() => void order.push('stack'));
    s.onStop(async () => {
      await tick();
      order.push('recorder');
    });
    const unregistered = s.onStop(() => void order.push('never'));
    unregistered();
    p.send('SIGTERM');
    expect(s.signal.aborted).toBe(true);
    expect(s.requested).toBe(true);
    await tick();
    await tick();
    expect(order).toEqual(['recorder', 'stack']);
    expect(p.exits).toEqual([0]);
  });

  it('exits 128 + the signal by default (the result is missing)', async () => {
    const p = fakeProcess();
    const s = new Shutdown(p.proc);
    s.arm({ say: () => undefined });
    p.send('SIGINT');
    await tick();
    expect(p.exits).toEqual([130]);
  });

  it('a second signal exits at once while a stop hangs', async () => {
    const p = fakeProcess();
    const s = new Shutdown(p.proc);
    s.arm({ exitCode: () => 0, graceMs: 30, say: () => undefined });
    s.onStop(() => new Promise<void>(() => undefined));
    p.send('SIGINT');
    await tick();
    expect(p.exits).toEqual([]);
    p.send('SIGTERM');
    expect(p.exits).toEqual([143]);
    await new Promise((r) => setTimeout(r, 40)); // (the grace timer fires on the fake process too)
  });

  it('exits anyway when the stops outlast the grace period, and reports a failing stop', async () => {
    const p = fakeProcess();
    const said: string[] = [];
    const s = new Shutdown(p.proc);
    s.arm({ exitCode: () => 0, graceMs: 20, say: (l) => said.push(l) });
    s.onStop(() => new Promise<void>(() => undefined));
    s.onStop(() => {
      throw new Error('disk gone');
    });
    p.send('SIGINT');
    await new Promise((r) => setTimeout(r, 60));
    expect(p.exits).toEqual([130]);
    expect(said.join('\n')).toMatch(/while stopping: disk gone[\s\S]*still stopping after 0.02 s/);
  });
});
