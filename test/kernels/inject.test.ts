import type { Kernel } from '@jupyterlab/services';

import { inject } from '../../src/kernels/inject';

/**
 * A kernel that answers each execute request with the next status given.
 */
function kernelAnswering(...statuses: string[]): {
  kernel: Kernel.IKernelConnection;
  sent: string[];
} {
  const sent: string[] = [];
  const kernel = {
    isDisposed: false,
    status: 'idle',
    requestExecute: (content: { code: string }) => {
      sent.push(content.code);
      const status = statuses.shift() ?? 'ok';
      return {
        done: Promise.resolve({ content: { status } }),
        isDisposed: false,
        onIOPub: null,
        dispose: () => undefined
      };
    }
  } as unknown as Kernel.IKernelConnection;
  return { kernel, sent };
}

describe('inject', () => {
  it.each(['aborted', 'abort'])(
    'sends again after a reply with status %p, then reports ok',
    async status => {
      const { kernel, sent } = kernelAnswering(status, 'ok');
      await expect(inject(kernel, 'x = 1')).resolves.toBe('ok');
      expect(sent).toEqual(['x = 1', 'x = 1']);
    }
  );

  it.each(['aborted', 'abort'])(
    'reports aborted when every reply says %p',
    async status => {
      const { kernel, sent } = kernelAnswering(status, status, status);
      await expect(inject(kernel, 'x = 1', { retries: 2 })).resolves.toBe(
        'aborted'
      );
      expect(sent).toHaveLength(3);
    }
  );

  it('reports an error reply as error and does not send again', async () => {
    const { kernel, sent } = kernelAnswering('error');
    await expect(inject(kernel, 'x = 1')).resolves.toBe('error');
    expect(sent).toHaveLength(1);
  });
});
