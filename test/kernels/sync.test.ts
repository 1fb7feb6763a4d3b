import { Notification } from '@jupyterlab/apputils';
import { nullTranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';

import { KernelRegistry } from '../../src/kernels/registry';
import { KernelSync } from '../../src/kernels/sync';

/**
 * A kernel connection that records execute requests and answers them when told.
 */
class FakeKernel {
  constructor(
    readonly id: string,
    readonly name = 'python3'
  ) {}

  status = 'idle';
  isDisposed = false;
  readonly statusChanged = new Signal<FakeKernel, string>(this);
  readonly disposed = new Signal<FakeKernel, void>(this);
  readonly sent: {
    code: string;
    silent: boolean;
    /** The user expression sent, if any. */
    expression: string | undefined;
    /** Answer with a status; an ok answer evaluates the expression. */
    reply: (s: string) => void;
    /** Answer with this content. */
    answer: (content: Record<string, unknown>) => void;
    /** Cancel the request, as a connection does when its kernel dies. */
    fail: () => void;
    answered: boolean;
  }[] = [];

  /** Requests sent and not answered yet. */
  get inFlight(): number {
    return this.sent.filter(request => !request.answered).length;
  }

  requestExecute(content: {
    code: string;
    silent: boolean;
    store_history: boolean;
    allow_stdin: boolean;
    stop_on_error: boolean;
    user_expressions: Record<string, string>;
  }) {
    expect(content).toMatchObject({
      silent: true,
      store_history: false,
      allow_stdin: false,
      stop_on_error: false
    });
    let resolve: (reply: unknown) => void = () => undefined;
    let reject: (error: Error) => void = () => undefined;
    const done = new Promise((ok, fail) => {
      resolve = ok;
      reject = fail;
    });
    const keys = Object.keys(content.user_expressions);
    const request: FakeKernel['sent'][number] = {
      code: content.code,
      silent: content.silent,
      expression:
        keys.length > 0 ? content.user_expressions[keys[0]] : undefined,
      answered: false,
      answer: reply => {
        request.answered = true;
        resolve({ content: reply });
      },
      reply: status =>
        request.answer(
          status === 'ok' && keys.length > 0
            ? {
                status,
                user_expressions: { [keys[0]]: { status: 'ok', data: {} } }
              }
            : { status }
        ),
      fail: () => {
        request.answered = true;
        reject(new Error('Canceled future'));
      }
    };
    const future = {
      done,
      isDisposed: false,
      onIOPub: null as unknown,
      dispose: () => {
        future.isDisposed = true;
        request.fail();
      }
    };
    this.sent.push(request);
    return future;
  }

  setStatus(status: string): void {
    this.status = status;
    this.statusChanged.emit(status);
  }

  dispose(): void {
    if (!this.isDisposed) {
      this.isDisposed = true;
      this.disposed.emit();
      Signal.clearData(this);
    }
  }
}

class FakeSessionContext {
  constructor(
    readonly path: string,
    kernel: FakeKernel | null
  ) {
    this.session = { kernel };
  }
  session: { kernel: FakeKernel | null };
  readonly kernelChanged = new Signal<
    FakeSessionContext,
    { name: string; oldValue: FakeKernel | null; newValue: FakeKernel | null }
  >(this);

  change(kernel: FakeKernel | null): void {
    const oldValue = this.session.kernel;
    this.session = { kernel };
    this.kernelChanged.emit({ name: 'kernel', oldValue, newValue: kernel });
  }
}

class FakeWidget {
  constructor(path: string, kernel: FakeKernel | null) {
    this.sessionContext = new FakeSessionContext(path, kernel);
  }
  readonly sessionContext: FakeSessionContext;
  isDisposed = false;
  readonly disposed = new Signal<FakeWidget, void>(this);
  dispose(): void {
    this.isDisposed = true;
    this.disposed.emit();
    Signal.clearData(this);
  }
}

class FakeTracker {
  readonly widgets: FakeWidget[] = [];
  readonly widgetAdded = new Signal<FakeTracker, FakeWidget>(this);
  add(widget: FakeWidget): void {
    this.widgets.push(widget);
    this.widgetAdded.emit(widget);
  }
  forEach(fn: (widget: FakeWidget) => void): void {
    this.widgets.forEach(fn);
  }
}

class FakeSessions {
  models: { id: string; path: string; kernel: { id: string; name: string } }[] =
    [];
  readonly runningChanged = new Signal<FakeSessions, unknown[]>(this);
  readonly opened: FakeKernel[] = [];
  running() {
    return this.models[Symbol.iterator]();
  }
  connectTo(options: {
    model: { kernel: { id: string; name: string } };
    kernelConnectionOptions: { handleComms: boolean };
  }) {
    expect(options.kernelConnectionOptions.handleComms).toBe(false);
    const kernel = new FakeKernel(options.model.kernel.id);
    this.opened.push(kernel);
    return { kernel, dispose: () => kernel.dispose() };
  }
  set(models: FakeSessions['models']): void {
    this.models = models;
    this.runningChanged.emit(models);
  }
}

class FakeVault {
  loaded = true;
  active: { id: string; fingerprint: string } | null = {
    id: 'a',
    fingerprint: '****aaaa'
  };
  readonly activeChanged = new Signal<
    FakeVault,
    { id: string; fingerprint: string } | null
  >(this);
  readonly changed = new Signal<FakeVault, void>(this);
  /** The first read, of a vault with no active token: only `changed`. */
  loadEmpty(): void {
    this.loaded = true;
    this.active = null;
    this.changed.emit();
  }
  values: Record<string, string> = { a: 'value-aaaa', b: 'value-bbbb' };
  /** Reads of values held back until released. */
  held: Record<string, () => void> = {};
  holdValue = false;
  async value(id: string): Promise<string> {
    if (this.holdValue) {
      await new Promise<void>(resolve => (this.held[id] = resolve));
    }
    return this.values[id];
  }
  async refresh(): Promise<void> {
    return;
  }
  switchTo(id: string | null): void {
    this.active = id ? { id, fingerprint: `****${id.repeat(4)}` } : null;
    this.activeChanged.emit(this.active);
  }
}

const specs = {
  specs: {
    default: 'python3',
    kernelspecs: {
      python3: { name: 'python3', language: 'python' },
      ir: { name: 'ir', language: 'R' },
      scala: { name: 'scala', language: 'scala' }
    }
  },
  specsChanged: new Signal<unknown, unknown>({})
};

const status = {
  state: { kind: 'ready', status: { env_names: ['MLP_REFRESH_TOKEN'] } }
};

function tick(): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, 0));
}

/**
 * Let the sync give new kernels the active token, answer that and forget it.
 */
async function started(kernels: FakeKernel[]): Promise<void> {
  await tick();
  for (const kernel of kernels) {
    kernel.sent.forEach(request => request.reply('ok'));
    kernel.sent.splice(0);
  }
  await tick();
}

/** A KernelSync on fakes; `prepare` sets the vault up before it is built. */
function setup(prepare: (vault: FakeVault) => void = () => undefined) {
  const sessions = new FakeSessions();
  const notebooks = new FakeTracker();
  const consoles = new FakeTracker();
  const vault = new FakeVault();
  prepare(vault);
  const sync = new KernelSync({
    vault: vault as never,
    status: status as never,
    sessions: sessions as never,
    kernelspecs: specs as never,
    notebooks: notebooks as never,
    consoles: consoles as never,
    trans: nullTranslator.load('jupyterlab_mlplatform_tokens')
  });
  return { sessions, notebooks, consoles, vault, sync };
}

/** `setup()` with three notebooks, each on a kernel of its own. */
function threeKernels() {
  const context = setup();
  const kernels = ['k1', 'k2', 'k3'].map(id => new FakeKernel(id));
  kernels.forEach((kernel, i) =>
    context.notebooks.add(new FakeWidget(`${i}.ipynb`, kernel))
  );
  return { ...context, kernels };
}

describe('KernelSync', () => {
  it('sends the first token to running kernels when the vault was read with none active', async () => {
    const { notebooks, vault, sync } = setup(fresh => {
      fresh.loaded = false;
      fresh.active = null;
    });
    const kernel = new FakeKernel('k1');
    notebooks.add(new FakeWidget('a.ipynb', kernel));
    await tick();
    vault.loadEmpty();
    await tick();
    vault.switchTo('b');
    await tick();
    expect(kernel.sent).toHaveLength(1);
    expect(kernel.sent[0].expression).toContain(
      Buffer.from('value-bbbb').toString('hex')
    );
    sync.dispose();
  });

  it('sends one injection per kernel on a switch, even when a notebook and a console share it', async () => {
    const { notebooks, consoles, vault, sync } = setup();
    const viaNotebook = new FakeKernel('k1');
    const viaConsole = new FakeKernel('k1');
    notebooks.add(new FakeWidget('a.ipynb', viaNotebook));
    consoles.add(new FakeWidget('a.ipynb', viaConsole));
    await tick();
    const before = viaNotebook.sent.length + viaConsole.sent.length;
    vault.switchTo('b');
    await tick();
    const sent = [...viaNotebook.sent, ...viaConsole.sent].slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0].code).toBe('');
    expect(sent[0].expression).not.toContain('value-bbbb');
    expect(sent[0].expression).toContain(
      Buffer.from('value-bbbb').toString('hex')
    );
    sent[0].reply('ok');
    await tick();
    expect(sync.kernels).toEqual([
      expect.objectContaining({
        kernelId: 'k1',
        fingerprint: '****bbbb',
        sync: 'synced',
        language: 'python'
      })
    ]);
    sync.dispose();
  });

  it('retries an aborted injection after a pause and then reports it synced', async () => {
    jest.useFakeTimers();
    try {
      // With fake timers a zero-delay timer runs only when the clock moves.
      const settle = () => jest.advanceTimersByTimeAsync(0);
      const { notebooks, vault, sync } = setup();
      const kernel = new FakeKernel('k1');
      notebooks.add(new FakeWidget('a.ipynb', kernel));
      await settle();
      kernel.sent.splice(0);
      vault.switchTo('b');
      await settle();
      expect(kernel.sent).toHaveLength(1);
      kernel.sent[0].reply('aborted');
      // Not sent again before the retry pause (100 ms) has passed: the
      // kernel may still be dropping its queue.
      await jest.advanceTimersByTimeAsync(99);
      expect(kernel.sent).toHaveLength(1);
      expect(sync.kernels[0].sync).toBe('pending');
      // Sent again, the same code, once it has.
      await jest.advanceTimersByTimeAsync(1);
      expect(kernel.sent).toHaveLength(2);
      expect(kernel.sent[1].code).toBe(kernel.sent[0].code);
      expect(kernel.sent[1].expression).toBe(kernel.sent[0].expression);
      expect(sync.kernels[0].sync).toBe('pending');
      kernel.sent[1].reply('ok');
      await settle();
      expect(sync.kernels[0]).toMatchObject({
        fingerprint: '****bbbb',
        sync: 'synced'
      });
      // Nothing more is sent once it went through.
      await jest.advanceTimersByTimeAsync(10000);
      expect(kernel.sent).toHaveLength(2);
      sync.dispose();
    } finally {
      jest.useRealTimers();
    }
  });

  it('sends after a restart from a microtask, never synchronously', async () => {
    const { notebooks, sync } = setup();
    const kernel = new FakeKernel('k1');
    notebooks.add(new FakeWidget('a.ipynb', kernel));
    await tick();
    kernel.sent.splice(0);
    kernel.setStatus('restarting');
    expect(kernel.sent).toHaveLength(0);
    kernel.setStatus('autorestarting');
    await Promise.resolve();
    await Promise.resolve();
    expect(kernel.sent).toHaveLength(1);
    sync.dispose();
  });

  it('removes the variable when no token is active', async () => {
    const { notebooks, vault, sync } = setup();
    const kernel = new FakeKernel('k1');
    notebooks.add(new FakeWidget('a.ipynb', kernel));
    await tick();
    kernel.sent.splice(0);
    vault.switchTo(null);
    await tick();
    expect(kernel.sent).toHaveLength(1);
    expect(kernel.sent[0].expression).toContain('environ.pop(n, None)');
    kernel.sent[0].reply('ok');
    await tick();
    expect(sync.kernels[0]).toMatchObject({
      fingerprint: null,
      sync: 'synced'
    });
    sync.dispose();
  });

  it('gives kernels no widget holds a short-lived connection, closed after the reply', async () => {
    const { sessions, vault, sync } = setup();
    sessions.set([
      { id: 's1', path: 'x.ipynb', kernel: { id: 'k9', name: 'python3' } }
    ]);
    vault.switchTo('b');
    await tick();
    expect(sessions.opened).toHaveLength(1);
    expect(sync.registry.transientCount).toBe(1);
    sessions.opened[0].sent[0].reply('ok');
    await tick();
    expect(sessions.opened[0].isDisposed).toBe(true);
    expect(sync.registry.transientCount).toBe(0);
    sync.dispose();
  });

  it('sends no code to kernels of other languages, marks them for their next restart and says so once per language', async () => {
    const info = jest.spyOn(Notification, 'info');
    try {
      const { sessions, vault, sync } = setup();
      sessions.set([
        { id: 's1', path: 'x.scala', kernel: { id: 'k8', name: 'scala' } },
        { id: 's2', path: 'y.scala', kernel: { id: 'k7', name: 'scala' } }
      ]);
      vault.switchTo('b');
      await tick();
      expect(sessions.opened).toHaveLength(0);
      expect(
        sync.kernels.every(k => !k.supported && k.sync === 'pending')
      ).toBe(true);
      const said = (): string[] =>
        info.mock.calls
          .map(call => String(call[0]))
          .filter(message => message.includes('scala'));
      expect(said()).toEqual([
        'Running scala kernels cannot take the new ML Platform token; they will pick it up at their next restart.'
      ]);
      vault.switchTo('a');
      await tick();
      expect(said()).toHaveLength(1);
      sync.dispose();
    } finally {
      info.mockRestore();
    }
  });

  it('sends Python kernels an empty cell carrying the change as a user expression, and R kernels code', async () => {
    const { notebooks, vault, sync } = setup();
    const python = new FakeKernel('k1');
    const r = new FakeKernel('k2', 'ir');
    notebooks.add(new FakeWidget('a.ipynb', python));
    notebooks.add(new FakeWidget('b.ipynb', r));
    await started([python, r]);
    vault.switchTo('b');
    await tick();
    const hex = Buffer.from('value-bbbb').toString('hex');
    expect(python.sent).toHaveLength(1);
    expect(python.sent[0]).toMatchObject({ code: '', silent: true });
    expect(python.sent[0].expression).toContain(hex);
    expect(r.sent).toHaveLength(1);
    expect(r.sent[0].expression).toBeUndefined();
    expect(r.sent[0].code).toContain(hex);
    python.sent[0].reply('ok');
    r.sent[0].reply('ok');
    await tick();
    expect(sync.kernels.map(k => [k.kernelId, k.sync, k.fingerprint])).toEqual([
      ['k1', 'synced', '****bbbb'],
      ['k2', 'synced', '****bbbb']
    ]);
    sync.dispose();
  });

  it('sends code to a Python kernel that answers without evaluating the expression', async () => {
    const { notebooks, vault, sync } = setup();
    const kernel = new FakeKernel('k1');
    notebooks.add(new FakeWidget('a.ipynb', kernel));
    await started([kernel]);
    vault.switchTo('b');
    await tick();
    kernel.sent[0].answer({ status: 'ok', user_expressions: {} });
    await tick();
    expect(kernel.sent).toHaveLength(2);
    expect(kernel.sent[1].expression).toBeUndefined();
    expect(kernel.sent[1].code).toContain(
      Buffer.from('value-bbbb').toString('hex')
    );
    expect(sync.kernels[0].sync).toBe('pending');
    kernel.sent[1].reply('ok');
    await tick();
    expect(sync.kernels[0]).toMatchObject({
      sync: 'synced',
      fingerprint: '****bbbb'
    });
    sync.dispose();
  });

  it('reports a kernel whose expression failed, and only that one', async () => {
    const { vault, sync, kernels } = threeKernels();
    await started(kernels);
    vault.switchTo('b');
    await tick();
    kernels[0].sent[0].reply('ok');
    kernels[1].sent[0].answer({
      status: 'ok',
      user_expressions: {
        mlp_tokens: {
          status: 'error',
          ename: 'TypeError',
          evalue: "'NoneType' object is not callable"
        }
      }
    });
    kernels[2].sent[0].reply('ok');
    await tick();
    expect(sync.kernels.map(k => k.sync)).toEqual([
      'synced',
      'failed',
      'synced'
    ]);
    // A failed expression is not sent again as code.
    expect(kernels[1].sent).toHaveLength(1);
    sync.dispose();
  });

  it('has the request of every kernel in flight before any reply', async () => {
    const { notebooks, vault, sync } = setup();
    const kernels = Array.from(
      { length: 20 },
      (_, i) => new FakeKernel(`k${String(i).padStart(2, '0')}`)
    );
    kernels.forEach((kernel, i) =>
      notebooks.add(new FakeWidget(`${i}.ipynb`, kernel))
    );
    await started(kernels);
    vault.switchTo('b');
    await tick();
    expect(kernels.map(kernel => kernel.inFlight)).toEqual(
      kernels.map(() => 1)
    );
    for (const kernel of kernels) {
      kernel.sent[0].reply('ok');
    }
    await tick();
    expect(sync.kernels.every(k => k.sync === 'synced')).toBe(true);
    sync.dispose();
  });

  it('does not wait for a kernel that dies mid-switch', async () => {
    const { vault, sync, kernels } = threeKernels();
    await started(kernels);
    vault.switchTo('b');
    await tick();
    kernels[0].sent[0].reply('ok');
    kernels[2].sent[0].reply('ok');
    await tick();
    expect(sync.kernels.map(k => k.sync)).toEqual([
      'synced',
      'pending',
      'synced'
    ]);
    // The connection cancels what the dead kernel never answered.
    kernels[1].sent[0].fail();
    await tick();
    expect(sync.kernels.map(k => k.sync)).toEqual([
      'synced',
      'failed',
      'synced'
    ]);
    sync.dispose();
  });

  describe('a second switch during the first', () => {
    const hexOf = (value: string) => Buffer.from(value).toString('hex');

    /** The value each kernel ends with: that of its last request. */
    const lastValue = (kernel: FakeKernel): string | null => {
      const last = kernel.sent[kernel.sent.length - 1];
      const text = `${last?.code ?? ''}${last?.expression ?? ''}`;
      return (
        ['value-aaaa', 'value-bbbb'].find(v => text.includes(hexOf(v))) ?? null
      );
    };

    /** Every kernel ends with 'a', and the sync says so. */
    function expectAllOnA(kernels: FakeKernel[], sync: KernelSync): void {
      expect(kernels.map(lastValue)).toEqual(kernels.map(() => 'value-aaaa'));
      expect(sync.kernels.map(k => [k.sync, k.fingerprint])).toEqual(
        kernels.map(() => ['synced', '****aaaa'])
      );
    }

    it('while its requests are in flight: the last value everywhere', async () => {
      const { vault, sync, kernels } = threeKernels();
      await started(kernels);
      vault.switchTo('b');
      await tick();
      vault.switchTo('a');
      await tick();
      // Each kernel answers in the order it was sent to.
      for (const kernel of kernels) {
        for (const request of kernel.sent) {
          request.reply('ok');
          await tick();
        }
      }
      expectAllOnA(kernels, sync);
      sync.dispose();
    });

    it('while the first value is still being read: the older value is never sent', async () => {
      const { vault, sync, kernels } = threeKernels();
      await started(kernels);
      vault.holdValue = true;
      vault.switchTo('b');
      await tick();
      vault.switchTo('a');
      await tick();
      vault.held.a();
      await tick();
      vault.held.b();
      await tick();
      for (const kernel of kernels) {
        kernel.sent.forEach(request => request.reply('ok'));
      }
      await tick();
      expect(
        kernels.flatMap(kernel =>
          kernel.sent.filter(r =>
            (r.expression ?? r.code).includes(hexOf('value-bbbb'))
          )
        )
      ).toEqual([]);
      expectAllOnA(kernels, sync);
      sync.dispose();
    });

    it('when the first is refused (aborted) after the second was sent: no retry of the older value', async () => {
      jest.useFakeTimers();
      try {
        const settle = () => jest.advanceTimersByTimeAsync(0);
        const { vault, sync, kernels } = threeKernels();
        await settle();
        for (const kernel of kernels) {
          kernel.sent.forEach(request => request.reply('ok'));
          kernel.sent.splice(0);
        }
        await settle();
        vault.switchTo('b');
        await settle();
        vault.switchTo('a');
        await settle();
        for (const kernel of kernels) {
          kernel.sent[0].reply('aborted');
        }
        await jest.advanceTimersByTimeAsync(1000);
        for (const kernel of kernels) {
          kernel.sent.slice(1).forEach(request => request.reply('ok'));
        }
        await settle();
        expect(kernels.map(kernel => kernel.sent.length)).toEqual([2, 2, 2]);
        expectAllOnA(kernels, sync);
        sync.dispose();
      } finally {
        jest.useRealTimers();
      }
    });

    it('when a Python kernel needs code: the older value is not sent as code after the newer one', async () => {
      const { vault, sync, kernels } = threeKernels();
      await started(kernels);
      vault.switchTo('b');
      await tick();
      vault.switchTo('a');
      await tick();
      for (const kernel of kernels) {
        // Neither expression is evaluated: code follows, for 'a' only.
        kernel.sent[0].answer({ status: 'ok' });
        kernel.sent[1].answer({ status: 'ok' });
      }
      await tick();
      for (const kernel of kernels) {
        kernel.sent.slice(2).forEach(request => request.reply('ok'));
      }
      await tick();
      expect(kernels.map(kernel => kernel.sent.length)).toEqual([3, 3, 3]);
      expectAllOnA(kernels, sync);
      sync.dispose();
    });
  });

  it('leaves no connection, listener or pending request behind when widgets close', async () => {
    const { notebooks, consoles, sessions, vault, sync } = setup();
    const kernel = new FakeKernel('k1');
    const notebook = new FakeWidget('a.ipynb', kernel);
    const console = new FakeWidget('a.ipynb', kernel);
    notebooks.add(notebook);
    consoles.add(console);
    await tick();
    const sentBefore = kernel.sent.length;
    notebook.dispose();
    console.dispose();
    expect(sync.kernels).toEqual([]);
    // No listener is left on the kernel or the session contexts.
    kernel.setStatus('restarting');
    await tick();
    vault.switchTo('b');
    await tick();
    expect(kernel.sent).toHaveLength(sentBefore);
    sync.dispose();
    expect(sync.isDisposed).toBe(true);
    expect(sync.registry.isDisposed).toBe(true);
    // After dispose nothing reacts any more.
    sessions.set([
      { id: 's1', path: 'x.ipynb', kernel: { id: 'k9', name: 'python3' } }
    ]);
    vault.switchTo('a');
    await tick();
    expect(sessions.opened).toHaveLength(0);
  });
});

describe('KernelRegistry', () => {
  it('ignores kernelChanged with the same kernel and follows a kernel change', async () => {
    const sessions = new FakeSessions();
    const notebooks = new FakeTracker();
    const registry = new KernelRegistry({
      sessions: sessions as never,
      notebooks: notebooks as never
    });
    const added: string[] = [];
    registry.kernelAdded.connect((_, kernel) => added.push(kernel.id));
    const first = new FakeKernel('k1');
    const widget = new FakeWidget('a.ipynb', first);
    notebooks.add(widget);
    await tick();
    widget.sessionContext.kernelChanged.emit({
      name: 'kernel',
      oldValue: first,
      newValue: first
    });
    await tick();
    expect(added).toEqual(['k1']);
    const second = new FakeKernel('k2');
    widget.sessionContext.change(second);
    await tick();
    expect(added).toEqual(['k1', 'k2']);
    expect(registry.kernels.map(k => k.id)).toEqual(['k2']);
    expect(registry.heldConnection('k2')).toBe(second);
    registry.dispose();
    expect(registry.kernels).toEqual([]);
  });
});
