/**
 * aws-local-stepfunctions needs `Promise.withResolvers` (Node 22). On Node 20 every Task fails with "is not a
 * function" after its handler ran, so a Retry would repeat the handler's side effects: install it first.
 */
interface WithResolvers {
  withResolvers?: <T>() => { promise: Promise<T>; resolve: (value: T | PromiseLike<T>) => void; reject: (reason?: unknown) => void };
}

const promiseConstructor = Promise as unknown as WithResolvers;
if (typeof promiseConstructor.withResolvers !== 'function') {
  promiseConstructor.withResolvers = <T>() => {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

export {};
