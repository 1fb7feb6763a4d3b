import { ServerConnection } from '@jupyterlab/services';

import { StatusModel, type StatusState } from '../../src/server/status';

const READY = () =>
  new Response(
    JSON.stringify({ version: '1', api_configured: false, api_url: '' })
  );

/**
 * A status model whose requests each wait until the test answers them
 * (`answers.shift()!()`), with `answer`.
 */
function modelAnsweredOnDemand(answer: () => Response = READY): {
  model: StatusModel;
  answers: (() => void)[];
} {
  const answers: (() => void)[] = [];
  const model = new StatusModel({
    serverSettings: ServerConnection.makeSettings({
      baseUrl: 'http://localhost:8888/',
      fetch: () =>
        new Promise<Response>(resolve => {
          answers.push(() => resolve(answer()));
        })
    })
  });
  return { model, answers };
}

describe('StatusModel', () => {
  it('shares one request among concurrent refreshes', async () => {
    let calls = 0;
    const model = new StatusModel({
      serverSettings: ServerConnection.makeSettings({
        baseUrl: 'http://localhost:8888/',
        fetch: async () => {
          calls++;
          return new Response(
            JSON.stringify({ version: '1', api_configured: false, api_url: '' })
          );
        }
      })
    });
    const seen: StatusState['kind'][] = [];
    model.stateChanged.connect((_, state) => seen.push(state.kind));
    await Promise.all([model.refresh(), model.refresh(), model.refresh()]);
    expect(calls).toBe(1);
    expect(seen).toEqual(['loading', 'ready']);
    model.dispose();
  });

  it.each([
    ['not-running', () => new Response('Not Found', { status: 404 })],
    [
      'error',
      () => new Response(JSON.stringify({ message: 'boom' }), { status: 500 })
    ],
    ['ready', READY]
  ] as const)(
    'keeps a %s answer shown while it asks again, until the new answer',
    async (kind, answer) => {
      const { model, answers } = modelAnsweredOnDemand(answer);
      const first = model.refresh();
      answers.shift()!();
      await first;
      expect(model.state.kind).toBe(kind);

      const seen: StatusState['kind'][] = [];
      model.stateChanged.connect((_, state) => seen.push(state.kind));
      const again = model.refresh();
      // Asked, not yet answered: the last answer stays.
      await Promise.resolve();
      expect(model.state.kind).toBe(kind);
      expect(seen).toEqual([]);
      answers.shift()!();
      await again;
      expect(seen).toEqual([kind]);
      model.dispose();
    }
  );

  it('turns a network failure into an error state', async () => {
    const model = new StatusModel({
      serverSettings: ServerConnection.makeSettings({
        baseUrl: 'http://localhost:8888/',
        fetch: async () => {
          throw new TypeError('Failed to fetch');
        }
      })
    });
    await model.refresh();
    expect(model.state.kind).toBe('error');
    model.dispose();
  });

  it('emits nothing once disposed', async () => {
    // Each request waits until the test answers it.
    const { model, answers } = modelAnsweredOnDemand();
    const seen: StatusState['kind'][] = [];
    const listener = (_: StatusModel, state: StatusState) => {
      seen.push(state.kind);
    };
    model.stateChanged.connect(listener);

    // Alive, a refresh is heard from start to end.
    const first = model.refresh();
    answers.shift()!();
    await first;
    expect(seen).toEqual(['loading', 'ready']);

    // Disposed while a request is out: its answer changes nothing.
    const second = model.refresh();
    expect(seen).toEqual(['loading', 'ready']);
    model.dispose();
    answers.shift()!();
    await second;
    // And a refresh asked for afterwards is not heard either.
    const third = model.refresh();
    answers.shift()?.();
    await third;

    expect(seen).toEqual(['loading', 'ready']);
    expect(model.state.kind).toBe('ready');
    expect(model.isDisposed).toBe(true);
    // The listener was disconnected by dispose, not merely left unfed.
    expect(model.stateChanged.disconnect(listener)).toBe(false);
  });
});
