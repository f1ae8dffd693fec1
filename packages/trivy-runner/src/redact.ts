/** What replaces a secret in any text the runner emits. */
export const REDACTED = '***';

// Environment variables whose values are credentials: never printed, whatever the variable.
const SECRET_NAME = /(TOKEN|PASSWORD|PASSWD|SECRET|CREDENTIAL|AUTH|API_?KEY|ACCESS_KEY|PRIVATE_KEY)/i;

/** The values of credential-like variables in an environment (`TRIVY_PASSWORD`, `GITHUB_TOKEN`, …). */
export function secretValues(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.entries(env)
    .filter(([name, value]) => SECRET_NAME.test(name) && typeof value === 'string' && value.length >= 4)
    .map(([, value]) => value as string);
}

/**
 * Replaces every given secret and every password in a URL (`https://user:pass@host`) with
 * `***`. Longer secrets first, so that a secret containing another is removed whole.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, `$1${REDACTED}@`);
  for (const secret of [...new Set(secrets)]
    .filter((value) => value.length >= 4)
    .sort((a, b) => b.length - a.length)) {
    result = result.split(secret).join(REDACTED);
  }
  return result;
}
