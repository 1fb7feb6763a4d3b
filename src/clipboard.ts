/**
 * Copy a secret to the clipboard and clear it after a delay, but only if
 * the clipboard still holds that secret (the user may have copied something
 * else meanwhile). Returns a function that cancels the pending clear.
 */
export async function copySecret(
  value: string,
  clearAfterSeconds: number
): Promise<() => void> {
  await navigator.clipboard.writeText(value);
  if (clearAfterSeconds <= 0) {
    return () => undefined;
  }
  const timer = window.setTimeout(() => {
    void clearIfStill(value);
  }, clearAfterSeconds * 1000);
  return () => window.clearTimeout(timer);
}

async function clearIfStill(value: string): Promise<void> {
  try {
    const current = await navigator.clipboard.readText();
    if (current === value) {
      await navigator.clipboard.writeText('');
    }
  } catch {
    // Reading the clipboard needs focus or permission; when it is refused
    // the clipboard cannot be checked, so it is left as the user has it.
  }
}
