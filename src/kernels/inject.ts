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
 */
export type InjectOutcome = 'ok' | 'aborted' | 'error' | 'lost';

/**
 * Execute request content for code that must leave no trace: no history, no
 * `execute_input`, no execution count, no stdin, and never aborting the
 * queue behind it.
 */
export function silentContent(
  code: string
): KernelMessage.IExecuteRequestMsg['content'] {
  return {
    code,
    silent: true,
    store_history: false,
    allow_stdin: false,
    stop_on_error: false,
    user_expressions: {}
  };
}

/**
 * Send `code` to a kernel as a silent execute request and wait for the reply.
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
  for (let attempt = 0; ; attempt++) {
    const outcome = await once(kernel, code, options.timeout ?? 0);
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
  }
}

const RETRY_DELAY_MS = 100;

async function once(
  kernel: Kernel.IKernelConnection,
  code: string,
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
    future = kernel.requestExecute(silentContent(code), true);
  } catch {
    return 'lost';
  }
  // The code prints nothing; an iopub message other than status would be a
  // bug, and is dropped here rather than shown anywhere.
  future.onIOPub = () => undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const replies: Promise<InjectOutcome>[] = [
    future.done.then(
      reply => statusOf(reply),
      () => 'lost' as const
    )
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

function statusOf(reply: KernelMessage.IExecuteReplyMsg): InjectOutcome {
  // Kernels (ipykernel) answer a request they drop with 'aborted'; the
  // typings of @jupyterlab/services before 7.6 spell it 'abort', and some
  // kernels follow them. Read the status as text so both are understood
  // and the check holds whichever typings the host provides.
  const status: string = reply.content.status;
  if (status === 'ok') {
    return 'ok';
  }
  return ABORTED.has(status) ? 'aborted' : 'error';
}

/**
 * The spellings of an aborted reply's status.
 */
const ABORTED: ReadonlySet<string> = new Set(['aborted', 'abort']);

function delay(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
