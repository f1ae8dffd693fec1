import { isSluiceError } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { normalizeImageName, validateImageArgument } from './image-argument.js';

describe('validateImageArgument', () => {
  it('accepts references of every common shape', () => {
    for (const ref of [
      'alpine',
      'alpine:3.9',
      'ghcr.io/org/app:1.2.3',
      'localhost:5000/app@sha256:' + 'a'.repeat(64),
      'registry.example.com:443/a/b/c:v1',
    ]) {
      expect(validateImageArgument(ref)).toBe(ref);
    }
  });

  it('rejects anything that could be read as a flag or is not a reference', () => {
    for (const ref of [
      '-v',
      '--server=http://evil',
      '',
      'alpine 3.9',
      'alpine\n',
      'a\u0000b',
      '${IMAGE}',
      'Alpine:3',
    ]) {
      let error: unknown;
      try {
        validateImageArgument(ref);
      } catch (caught) {
        error = caught;
      }
      expect(isSluiceError(error, 'SLUICE_INVALID_IMAGE_REFERENCE'), JSON.stringify(ref)).toBe(true);
    }
  });
});

describe('normalizeImageName', () => {
  it('normalizes like Docker', () => {
    expect(normalizeImageName('alpine')).toEqual({
      normalized: 'docker.io/library/alpine:latest',
      repository: 'docker.io/library/alpine',
      registry: 'docker.io',
      tag: 'latest',
    });
    expect(normalizeImageName('index.docker.io/library/alpine:3.9')?.normalized).toBe(
      'docker.io/library/alpine:3.9',
    );
    const pinned = normalizeImageName('ghcr.io/org/app@sha256:' + 'b'.repeat(64));
    expect(pinned?.digest).toBe('sha256:' + 'b'.repeat(64));
    expect(pinned?.tag).toBeUndefined();
    expect(normalizeImageName('not a ref')).toBeUndefined();
  });
});
