// Redaction of credentials in any text Sluice emits (messages of trivy and helm): shared by the
// Trivy runner and the Flux adapter.
/** What replaces a secret in any text the runner emits. */
export const REDACTED = '***';

// Environment variables whose values are credentials: never printed, whatever the variable.
const SECRET_NAME = /(TOKEN|PASSWORD|PASSWD|SECRET|CREDENTIAL|AUTH|API_?KEY|ACCESS_KEY|PRIVATE_KEY)/i;
// Shorter values are not worth redacting (and would mangle the text): a secret is at least this long.
const MIN_SECRET_LENGTH = 4;
// Values of credential-named variables that are settings, not secrets (`GITHUB_TOKEN_ENABLED=true`):
// replacing them would rewrite every `true` of an error message.
const NOT_A_SECRET = new Set(['true', 'false', 'yes', 'no', 'none', 'null', 'undefined', 'on', 'off']);

/** The values of credential-like variables in an environment (`TRIVY_PASSWORD`, `GITHUB_TOKEN`, …). */
export function secretValues(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.entries(env)
    .filter(([name, value]) => SECRET_NAME.test(name) && typeof value === 'string' && isSecretLike(value))
    .map(([, value]) => value as string);
}

function isSecretLike(value: string): boolean {
  return value.trim().length >= MIN_SECRET_LENGTH && !NOT_A_SECRET.has(value.trim().toLowerCase());
}

/**
 * Replaces every given secret and every password in a URL (`https://user:pass@host`) with
 * `***`. Each secret is also removed in the forms a program echoes it in: URL-encoded
 * (`encodeURIComponent`, Go's `url.QueryEscape`, either hex case) and escaped inside a JSON
 * string (`\"`, `\\`, `\/`, `\u0026`, …). Longer forms first, so that a secret containing
 * another is removed whole. Secrets shorter than 4 characters (not counting surrounding whitespace) are ignored.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, `$1${REDACTED}@`);
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.trim().length < MIN_SECRET_LENGTH) continue;
    for (const form of echoedForms(secret)) if (form.length >= MIN_SECRET_LENGTH) forms.add(form);
  }
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    if (result.includes(form)) result = result.split(form).join(REDACTED);
  }
  return result;
}

/** The secret as written, URL-encoded and JSON-escaped (and both). */
function echoedForms(secret: string): string[] {
  const forms = [secret];
  const encoded = safeEncode(secret);
  if (encoded !== undefined) forms.push(encoded, lowerHex(encoded));
  const query = queryEscape(secret);
  if (query !== undefined) forms.push(query, lowerHex(query));
  for (const form of [...forms]) forms.push(...jsonEscaped(form));
  return forms;
}

function safeEncode(secret: string): string | undefined {
  try {
    return encodeURIComponent(secret);
  } catch {
    return undefined; // a lone surrogate
  }
}

/** Go's `url.QueryEscape`: everything but `A-Za-z0-9-_.~` percent-encoded, a space as `+`. */
function queryEscape(secret: string): string | undefined {
  const encoded = safeEncode(secret);
  if (encoded === undefined) return undefined;
  return encoded
    .replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

function lowerHex(encoded: string): string {
  return encoded.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
}

/** The inside of a JSON string holding the text: as `JSON.stringify` and Go's encoder write it. */
function jsonEscaped(text: string): string[] {
  const plain = JSON.stringify(text).slice(1, -1);
  const go = plain.replace(
    /[<>&\u2028\u2029]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return [plain, go, plain.replace(/\//g, '\\/'), go.replace(/\//g, '\\/')];
}
