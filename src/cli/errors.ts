/** An error the CLI reports as one line (no stack trace) before exiting with status 1. */
export class CliError extends Error {
  override name = 'CliError';
}
