// The redaction helpers live in core, shared with the Flux adapter's helm runner.
export { REDACTED, redactSecrets, secretValues } from '@sluice/core';
