import type { Kernel } from '@jupyterlab/services';

import { inject } from '../../src/kernels/inject';

/**
 * What a fake kernel answers to one execute request: a reply status, or a
 * whole reply content; `idle: false` keeps the future from completing (the
 * kernel's idle status has not arrived).
 */
type Answer = string | { content: Record<string, unknown>; idle?: boolean };

/**
 * A kernel that answers each execute request with the next answer given,
 * the way a kernel connection does: the shell reply first (`onReply`),
 * then `done` once the idle status has arrived too.
 */
function kernelAnswering(...answers: Answer[]): {
  kernel: Kernel.IKernelConnection;
  sent: { code: string; user_expressions: Record<string, string> }[];
} {
  const sent: { code: string; user_expressions: Record<string, string> }[] = [];
  const kernel = {
    isDisposed: false,
    status: 'idle',
    requestExecute: (content: {
      code: string;
      user_expressions: Record<string, string>;
    }) => {
      sent.push(content);
      const next = answers.shift() ?? 'ok';
      const answer =
        typeof next === 'string' ? { content: { status: next } } : next;
      const reply = { content: answer.content };
      let complete: (value: unknown) => void = () => undefined;
      let cancel: (error: Error) => void = () => undefined;
      const future = {
        done: new Promise((resolve, reject) => {
          complete = resolve;
          cancel = reject;
        }),
        isDisposed: false,
        onIOPub: null,
        onReply: null as ((msg: unknown) => void) | null,
        dispose: () => {
          if (!future.isDisposed) {
            future.isDisposed = true;
            cancel(new Error('disposed'));
          }
        }
      };
      void Promise.resolve().then(() => {
        future.onReply?.(reply);
        if (answer.idle !== false) {
          complete(reply);
        }
      });
      return future;
    }
  } as unknown as Kernel.IKernelConnection;
  return { kernel, sent };
}

function tick(): Promise<'still waiting'> {
  return new Promise(resolve => setTimeout(() => resolve('still waiting'), 0));
}

describe('inject', () => {
  it.each(['aborted', 'abort'])(
    'sends again after a reply with status %p, then reports ok',
    async status => {
      const { kernel, sent } = kernelAnswering(status, 'ok');
      await expect(inject(kernel, 'x = 1')).resolves.toBe('ok');
      expect(sent.map(content => content.code)).toEqual(['x = 1', 'x = 1']);
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

  it("is done with the reply, without waiting for the kernel's idle status", async () => {
    const { kernel } = kernelAnswering({
      content: { status: 'ok' },
      idle: false
    });
    await expect(Promise.race([inject(kernel, 'x = 1'), tick()])).resolves.toBe(
      'ok'
    );
  });

  it('sends an expression with empty code and reads its outcome in the reply', async () => {
    const entry = (status: string) => ({
      content: {
        status: 'ok',
        user_expressions: { mlp_tokens: { status } }
      }
    });
    const { kernel, sent } = kernelAnswering(
      entry('ok'),
      entry('error'),
      { content: { status: 'ok', user_expressions: {} } },
      { content: { status: 'ok' } }
    );
    const options = { expression: 'None' };
    await expect(inject(kernel, '', options)).resolves.toBe('ok');
    expect(sent[0]).toMatchObject({
      code: '',
      user_expressions: { mlp_tokens: 'None' }
    });
    await expect(inject(kernel, '', options)).resolves.toBe('error');
    // A kernel that does not evaluate user expressions answers without it.
    await expect(inject(kernel, '', options)).resolves.toBe('unsupported');
    await expect(inject(kernel, '', options)).resolves.toBe('unsupported');
    // Without an expression, none is asked for.
    await inject(kernel, 'x = 1');
    expect(sent[4].user_expressions).toEqual({});
  });
});
