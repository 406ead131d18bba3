/**
 * The one assertion dependency of the test suite: `node:assert/strict` behind
 * the names `@std/assert` uses, so the swap to `@std/assert` (unreachable
 * today: JSR is not available on our build machines) is a change to this
 * file alone.
 *
 * @module
 */
import assertNode from "node:assert/strict";

/** Assert that `value` is truthy. */
export function assert(value: unknown, message?: string): asserts value {
  assertNode.ok(value, message);
}

/** Deep, strict equality. */
export function assertEquals<T>(
  actual: unknown,
  expected: T,
  message?: string,
): asserts actual is T {
  assertNode.deepStrictEqual(actual, expected, message);
}

/** Deep, strict inequality. */
export function assertNotEquals(actual: unknown, expected: unknown, message?: string): void {
  assertNode.notDeepStrictEqual(actual, expected, message);
}

/** `actual` is identical (`Object.is`) to `expected`. */
export function assertStrictEquals<T>(
  actual: unknown,
  expected: T,
  message?: string,
): asserts actual is T {
  assertNode.strictEqual(actual, expected, message);
}

/** `actual` matches the regular expression. */
export function assertMatch(actual: string, expected: RegExp, message?: string): void {
  assertNode.match(actual, expected, message);
}

/** `actual` does not match the regular expression. */
export function assertNotMatch(actual: string, expected: RegExp, message?: string): void {
  assertNode.doesNotMatch(actual, expected, message);
}

/** `actual` contains `expected` as a substring. */
export function assertStringIncludes(actual: string, expected: string, message?: string): void {
  assertNode.ok(
    actual.includes(expected),
    message ??
      `expected ${JSON.stringify(actual.slice(0, 2000))} to include ${JSON.stringify(expected)}`,
  );
}

/** `fn` throws; returns the error. Optionally checks its class and message. */
export function assertThrows<E extends Error = Error>(
  fn: () => unknown,
  // deno-lint-ignore no-explicit-any
  ErrorClass?: new (...args: any[]) => E,
  msgIncludes?: string,
): E {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  if (caught === undefined) {
    throw new assertNode.AssertionError({ message: "expected function to throw" });
  }
  if (ErrorClass && !(caught instanceof ErrorClass)) {
    throw new assertNode.AssertionError({
      message: `expected ${ErrorClass.name}, got ${String(caught)}`,
    });
  }
  if (msgIncludes && !(caught as Error).message.includes(msgIncludes)) {
    throw new assertNode.AssertionError({
      message: `expected message to include ${JSON.stringify(msgIncludes)}, got ${
        JSON.stringify((caught as Error).message)
      }`,
    });
  }
  return caught as E;
}

/** `fn` rejects; returns the error. Optionally checks its class and message. */
export async function assertRejects<E extends Error = Error>(
  fn: () => Promise<unknown>,
  // deno-lint-ignore no-explicit-any
  ErrorClass?: new (...args: any[]) => E,
  msgIncludes?: string,
): Promise<E> {
  let caught: unknown;
  try {
    await fn();
  } catch (error) {
    caught = error;
  }
  if (caught === undefined) {
    throw new assertNode.AssertionError({ message: "expected promise to reject" });
  }
  if (ErrorClass && !(caught instanceof ErrorClass)) {
    throw new assertNode.AssertionError({
      message: `expected ${ErrorClass.name}, got ${String(caught)}`,
    });
  }
  if (msgIncludes && !(caught as Error).message.includes(msgIncludes)) {
    throw new assertNode.AssertionError({
      message: `expected message to include ${JSON.stringify(msgIncludes)}, got ${
        JSON.stringify((caught as Error).message)
      }`,
    });
  }
  return caught as E;
}
