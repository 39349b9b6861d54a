/**
 * Runs an SDK call that must answer within `timeoutMs`. The SDK honours `abortSignal`; racing a timer as
 * well makes the deadline hold even where a request handler does not notice the abort.
 */
export async function withDeadline<T>(timeoutMs: number, onTimeout: () => Error, call: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(onTimeout());
    }, Math.max(0, timeoutMs));
  });
  try {
    return await Promise.race([call(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
