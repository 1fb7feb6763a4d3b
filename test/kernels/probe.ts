/**
 * Running code in a real kernel and comparing token values by fingerprint,
 * for the kernel tests and the kernel-sync benchmark. Imports nothing of
 * the extension.
 */
import { type Kernel, KernelMessage } from '@jupyterlab/services';
import { createHash, randomBytes } from 'crypto';

/**
 * Python code printing the fingerprint line of `MLP_REFRESH_TOKEN` (see
 * `probeLine`), leaving no names behind.
 */
export const PYTHON_PROBE = [
  'import hashlib as _h, os as _o',
  "_v = _o.environ.get('MLP_REFRESH_TOKEN')",
  "print('MLP:' + (_h.sha256(_v.encode()).hexdigest()[:16] if _v else 'none'))",
  'del _h, _o, _v'
].join('\n');

/** What a probe prints for `value` (a hash prefix, never the value). */
export function probeLine(value: string | null): string {
  return value === null
    ? 'MLP:none'
    : `MLP:${createHash('sha256').update(value).digest('hex').slice(0, 16)}`;
}

/** A fresh token-like value. */
export function newValue(): string {
  return `hrn.${randomBytes(18).toString('base64url')}`;
}

export function delay(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/**
 * Execute code as a user would and answer its stdout (or the reply status).
 */
export async function run(
  kernel: Kernel.IKernelConnection,
  code: string
): Promise<string> {
  let out = '';
  const future = kernel.requestExecute({ code, store_history: false });
  future.onIOPub = (msg: KernelMessage.IIOPubMessage) => {
    if (KernelMessage.isStreamMsg(msg)) {
      out += msg.content.text;
    }
  };
  const reply = await future.done;
  return out.trim() || `reply:${reply.content.status}`;
}

/**
 * Restart `kernel`, send `code` `ms` after asking, and answer what it
 * printed once both are done (a first cell racing the restart).
 */
export async function runDuringRestart(
  kernel: Kernel.IKernelConnection,
  ms: number,
  code: string
): Promise<string> {
  const restarting = kernel.restart();
  await delay(ms);
  const seen = run(kernel, code);
  await restarting;
  return seen;
}
