import { describe, expect, it } from 'vitest';
import { redactSecrets, secretValues } from './redact.js';

describe('redactSecrets', () => {
  it('removes given secrets and URL passwords', () => {
    const text = 'GET https://bob:hunter22@registry.example.com/v2/ failed; token abcd-1234-secret sent';
    expect(redactSecrets(text, ['abcd-1234-secret'])).toBe(
      'GET https://bob:***@registry.example.com/v2/ failed; token *** sent',
    );
  });

  it('finds credential-like variables, whatever their prefix', () => {
    expect(
      secretValues({
        TRIVY_PASSWORD: 'pw-value',
        TRIVY_TOKEN: 'tok-value',
        GITHUB_TOKEN: 'ghp_x123',
        TRIVY_SEVERITY: 'HIGH',
        TRIVY_USERNAME: 'bob',
      }).sort(),
    ).toEqual(['ghp_x123', 'pw-value', 'tok-value']);
  });
});

describe('redactSecrets, echoed forms', () => {
  const password = 'hunter2/Pa55:w@rd-7f3a';

  it('removes a secret echoed URL-encoded, in either hex case and as Go query-escapes it', () => {
    const encoded = encodeURIComponent(password);
    expect(encoded).toBe('hunter2%2FPa55%3Aw%40rd-7f3a');
    const text = `GET https://registry.example.com/token?password=${encoded} failed; lower ${encoded.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase())}`;
    expect(redactSecrets(text, [password])).toBe(
      'GET https://registry.example.com/token?password=*** failed; lower ***',
    );
    expect(redactSecrets('q=pa+ss%21%28x%29', ['pa ss!(x)'])).toBe('q=***');
  });

  it('removes a secret echoed inside a JSON string', () => {
    const secret = 'quo"te\\back/slash<&>';
    const json = JSON.stringify({ error: `denied for ${secret}` });
    expect(redactSecrets(json, [secret])).toBe('{"error":"denied for ***"}');
    const go = '{"error":"denied for quo\\"te\\\\back/slash\\u003c\\u0026\\u003e"}';
    expect(redactSecrets(go, [secret])).toBe('{"error":"denied for ***"}');
    expect(redactSecrets('{"p":"hunter2\\/Pa55:w@rd-7f3a"}', [password])).toBe('{"p":"***"}');
  });

  it('removes the JSON-escaped form of the URL-encoded secret and of a header value', () => {
    const header = 'Bearer tok"en-4b2d8a';
    const text = JSON.stringify({
      headers: `Authorization: ${header}`,
      url: `x?h=${encodeURIComponent(header)}`,
    });
    const redacted = redactSecrets(text, [header]);
    expect(redacted).not.toContain('4b2d8a');
    expect(JSON.parse(redacted)).toEqual({ headers: 'Authorization: ***', url: 'x?h=***' });
  });

  it('ignores empty, short and blank secrets instead of redacting everything', () => {
    const text = 'scan of nginx:1.25 failed: 401 Unauthorized    ';
    expect(redactSecrets(text, ['', 'a', 'ng', '1.2', '    ', '\t\t\t\t'])).toBe(text);
  });

  it('does not take settings of credential-named variables for secrets', () => {
    expect(
      secretValues({
        TRIVY_PASSWORD: 'pw-value',
        GITHUB_TOKEN: '',
        NPM_TOKEN: 'abc',
        TRIVY_AUTH_ENABLED: 'true',
        SKIP_AUTH: 'False',
        OAUTH_TOKEN: '     ',
      }),
    ).toEqual(['pw-value']);
  });
});
