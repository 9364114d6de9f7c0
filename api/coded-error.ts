/**
 * The one base of every error Prescient raises on purpose: a stable `code` (documented in
 * docs/errors.md; a test keeps the two in step) and a message that starts with it, so logs and
 * CLI output can be searched by code. The message says what is wrong and what to do.
 */
export class CodedError<C extends string = string> extends Error {
  /** The message without the code, for places that show the code beside it. */
  readonly detail: string;

  constructor(
    readonly code: C,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`${code}: ${detail}`, options);
    this.name = new.target.name;
    this.detail = detail;
  }
}
