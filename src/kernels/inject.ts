import type { Kernel, KernelMessage } from '@jupyterlab/services';

/**
 * How one injection ended.
 *
 * - `ok`: the kernel ran the code.
 * - `aborted`: the kernel kept refusing it (queued behind failing cells).
 * - `error`: the kernel answered with an error (the code swallows its own,
 *   so this means the kernel could not run it at all).
 * - `lost`: no answer: the request was cancelled (restart, shutdown, closed
 *   connection) or the wait limit passed.
 * - `unsupported`: the kernel ran the request but did not evaluate the user
 *   expression it carried (IRkernel, for one, ignores them): send code.
 */
export type InjectOutcome = 'ok' | 'aborted' | 'error' | 'lost' | 'unsupported';

/**
 * The key of our expression in an execute request's `user_expressions`.
 */
export const EXPRESSION_KEY = 'mlp_tokens';

/**
 * Execute request content for code that must leave no trace: no history, no
 * `execute_input`, no execution count, no stdin, and never aborting the
 * queue behind it; optionally one user expression, evaluated after the code.
 */
export function silentContent(
  code: string,
  expression: string | null = null
): KernelMessage.IExecuteRequestMsg['content'] {
  return {
    code,
    silent: true,
    store_history: false,
    allow_stdin: false,
    stop_on_error: false,
    user_expressions:
      expression === null ? {} : { [EXPRESSION_KEY]: expression }
  };
}

/**
 * Send `code` (and `options.expression`) to a kernel as a silent execute
 * request and wait for the shell reply, not for the idle status after it.
 * A request the kernel aborts (it arrived while the kernel was dropping the
 * queue behind a failing cell) is sent again, up to `retries` more times.
 * A busy kernel simply queues the request.
 */
export async function inject(
  kernel: Kernel.IKernelConnection,
  code: string,
  options: inject.IOptions = {}
): Promise<InjectOutcome> {
  const retries = options.retries ?? 4;
  const expression = options.expression ?? null;
  for (let attempt = 0; ; attempt++) {
    const outcome = await once(kernel, code, expression, options.timeout ?? 0);
    if (outcome !== 'aborted' || attempt >= retries) {
      return outcome;
    }
    if (options.isCancelled?.() || kernel.isDisposed) {
      return 'lost';
    }
    await delay(RETRY_DELAY_MS * (attempt + 1));
    if (options.isCancelled?.() || kernel.isDisposed) {
      return 'lost';
    }
  }
}

export namespace inject {
  export interface IOptions {
    /**
     * How many times an aborted request is sent again (default 4).
     */
    retries?: number;
    /**
     * Milliseconds to wait for each reply; 0 (the default) waits as long as
     * the kernel is busy.
     */
    timeout?: number;
    /**
     * Whether a newer injection made this one pointless (no more retries).
     */
    isCancelled?: () => boolean;
    /**
     * A user expression to evaluate after `code`; its outcome is the
     * injection's (`unsupported` when the kernel did not evaluate it).
     */
    expression?: string | null;
  }
}

const RETRY_DELAY_MS = 100;

async function once(
  kernel: Kernel.IKernelConnection,
  code: string,
  expression: string | null,
  timeout: number
): Promise<InjectOutcome> {
  if (kernel.isDisposed || kernel.status === 'dead') {
    return 'lost';
  }
  let future: Kernel.IShellFuture<
    KernelMessage.IExecuteRequestMsg,
    KernelMessage.IExecuteReplyMsg
  >;
  try {
    future = kernel.requestExecute(silentContent(code, expression), true);
  } catch {
    return 'lost';
  }
  // The code prints nothing; an iopub message other than status would be a
  // bug, and is dropped here rather than shown anywhere.
  future.onIOPub = () => undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const replies: Promise<InjectOutcome>[] = [
    new Promise<InjectOutcome>(resolve => {
      // The reply is all we need: the idle status that `done` also waits
      // for comes later, as one more message through the server.
      future.onReply = reply => resolve(statusOf(reply, expression));
      future.done.then(
        reply => resolve(statusOf(reply, expression)),
        () => resolve('lost')
      );
    })
  ];
  if (timeout > 0) {
    replies.push(
      new Promise<InjectOutcome>(resolve => {
        timer = setTimeout(() => resolve('lost'), timeout);
      })
    );
  }
  try {
    return await Promise.race(replies);
  } finally {
    if (timer !== undefined) {
      clearTimeout(timer);
    }
    if (!future.isDisposed) {
      future.dispose();
    }
  }
}

function statusOf(
  reply: KernelMessage.IExecuteReplyMsg,
  expression: string | null
): InjectOutcome {
  // Kernels (ipykernel) answer a request they drop with 'aborted'; the
  // typings of @jupyterlab/services before 7.6 spell it 'abort', and some
  // kernels follow them. Read the status as text so both are understood
  // and the check holds whichever typings the host provides.
  const status: string = reply.content.status;
  if (status !== 'ok') {
    return ABORTED.has(status) ? 'aborted' : 'error';
  }
  if (expression === null) {
    return 'ok';
  }
  // Only the entry's status is read: its data is the expression's value
  // (None), its error fields say nothing about the value.
  const entries = (reply.content as { user_expressions?: unknown })
    .user_expressions;
  const entry =
    entries !== null && typeof entries === 'object'
      ? (entries as Record<string, unknown>)[EXPRESSION_KEY]
      : undefined;
  if (entry === null || typeof entry !== 'object') {
    return 'unsupported';
  }
  return (entry as { status?: unknown }).status === 'ok' ? 'ok' : 'error';
}

/**
 * The spellings of an aborted reply's status.
 */
const ABORTED: ReadonlySet<string> = new Set(['aborted', 'abort']);

function delay(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
