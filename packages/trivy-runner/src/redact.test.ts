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
