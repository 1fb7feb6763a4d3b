import { ServerConnection } from '@jupyterlab/services';

import { StatusModel, StatusState } from '../../src/server/status';

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
    const model = new StatusModel({
      serverSettings: ServerConnection.makeSettings({
        baseUrl: 'http://localhost:8888/',
        fetch: async () => new Response('{}')
      })
    });
    const refreshing = model.refresh();
    model.dispose();
    await refreshing;
    expect(model.isDisposed).toBe(true);
    expect(model.state.kind).toBe('loading');
  });
});
