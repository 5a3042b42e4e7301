/**
 * A command line that cannot be run as written (a bad flag value, two flags that exclude each
 * other): exit code 2 (3 for `alerts`), like commander's own usage errors, not a runtime error.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
