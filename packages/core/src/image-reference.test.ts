import { readFileSync } from 'node:fs';
import { repoPath } from '@sluice/test-utils';
import { describe, expect, it } from 'vitest';
import { isSluiceError } from './errors.js';
import type { ImageReferenceErrorReason } from './image-reference.js';
import {
  ImageReferenceError,
  parseImageReference,
  parseReference,
  tryParseImageReference,
} from './image-reference.js';
import { REFERENCE_GRAMMAR } from './reference-grammar.js';

// The grammar's published test vectors (see fixtures/image-reference/SOURCES.md).
interface Vectors {
  parse: {
    input: string;
    err: string | null;
    repository: string | null;
    domain: string | null;
    tag: string | null;
    digest: string | null;
    note?: string;
  }[];
  normalize: {
    input: string;
    err: string | null;
    familiar: string | null;
    normalized: string | null;
    domain: string | null;
    path: string | null;
  }[];
  withName: { input: string; err: string | null; domain: string | null; path: string | null }[];
  parseNamed: { input: string; err: string | null; domain: string | null; path: string | null }[];
  serialization: {
    input: string;
    err: string | null;
    name: string | null;
    tag: string | null;
    digest: string | null;
  }[];
  parseAnyReference: { input: string; equivalent: string; expectedDigestReference: string | null }[];
  parseDockerRef: { input: string; expected: string }[];
  regexp: Record<
    'domainAndPort' | 'anchoredName' | 'reference' | 'anchoredIdentifier',
    { input: string; match: boolean; subs: string[] | null }[]
  >;
}
const vectors = JSON.parse(
  readFileSync(repoPath('fixtures/image-reference/vectors.json'), 'utf8'),
) as Vectors;

const REASONS: Record<string, ImageReferenceErrorReason> = {
  ErrReferenceInvalidFormat: 'invalid-format',
  ErrNameContainsUppercase: 'name-contains-uppercase',
  ErrNameEmpty: 'name-empty',
  ErrNameTooLong: 'name-too-long',
  'digest.ErrDigestInvalidFormat': 'digest-invalid-format',
  'digest.ErrDigestInvalidLength': 'digest-invalid-length',
  'digest.ErrDigestUnsupported': 'digest-unsupported',
};

function reasonOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return isSluiceError(error, 'SLUICE_INVALID_IMAGE_REFERENCE') && error instanceof ImageReferenceError
      ? error.reason
      : 'other';
  }
}

const SHA512 = /@sha512:/;

describe('parseReference (grammar only) against the parse vectors', () => {
  for (const vector of vectors.parse) {
    // Sluice supports sha512 digests (OCI registers it); the vector's note allows that.
    if (vector.err === 'digest.ErrDigestUnsupported' && SHA512.test(vector.input)) {
      it(`accepts the sha512 digest of ${vector.input.slice(0, 30)}…`, () => {
        expect(parseReference(vector.input).digest).toMatch(/^sha512:f{128}$/);
      });
      continue;
    }
    it(`${vector.err ? 'rejects' : 'parses'} ${JSON.stringify(vector.input.slice(0, 80))}`, () => {
      if (vector.err) {
        expect(reasonOf(() => parseReference(vector.input))).toBe(REASONS[vector.err]);
        return;
      }
      const parsed = parseReference(vector.input);
      expect(parsed.name).toBe(vector.repository);
      expect(parsed.domain).toBe(vector.domain);
      expect(parsed.tag ?? '').toBe(vector.tag);
      expect(parsed.digest ?? '').toBe(vector.digest);
    });
  }
});

describe('tryParseImageReference against the normalize vectors', () => {
  for (const vector of vectors.normalize) {
    it(`${vector.err ? 'rejects' : 'normalizes'} ${JSON.stringify(vector.input.slice(0, 80))}`, () => {
      const result = tryParseImageReference(vector.input);
      if (vector.err) {
        expect(result.ok).toBe(false);
        return;
      }
      if (!result.ok) throw new Error(`${vector.input}: ${result.message}`);
      const { ref } = result;
      if (vector.domain !== null) expect(ref.registry).toBe(vector.domain);
      if (vector.path !== null) expect(ref.repository).toBe(vector.path);
      if (vector.normalized !== null) {
        // Go's String() adds no default tag; ImageRef.normalized does, `name` is the bare name.
        const written = ref.tagImplied ? ref.name : ref.normalized;
        expect(written).toBe(vector.normalized);
      }
      if (vector.familiar !== null) {
        expect(ref.tag && !ref.tagImplied ? ref.familiar : ref.familiarName).toBe(vector.familiar);
      }
    });
  }
});

describe('the other vector tables', () => {
  it('withName: names alone split into domain and path, anything else is refused', () => {
    for (const vector of vectors.withName) {
      const result = reasonOf(() => parseReference(vector.input));
      if (vector.err) {
        const parsed = result === undefined ? parseReference(vector.input) : undefined;
        // WithName refuses a tag or digest that Parse would accept.
        expect(
          result !== undefined || parsed?.tag !== undefined || parsed?.digest !== undefined,
          vector.input,
        ).toBe(true);
      } else {
        expect(parseReference(vector.input), vector.input).toMatchObject({
          domain: vector.domain,
          path: vector.path,
        });
      }
    }
  });

  it('parseNamed: a name is canonical only when normalizing leaves it unchanged', () => {
    for (const vector of vectors.parseNamed) {
      const result = tryParseImageReference(vector.input);
      const canonical = result.ok && result.ref.name === vector.input;
      expect(canonical, vector.input).toBe(vector.err === null);
      if (result.ok && canonical)
        expect(result.ref).toMatchObject({ registry: vector.domain, repository: vector.path });
    }
  });

  it('serialization: name, tag and digest survive', () => {
    for (const vector of vectors.serialization) {
      if (vector.err) {
        expect(reasonOf(() => parseReference(vector.input))).toBe(REASONS[vector.err]);
        continue;
      }
      const parsed = parseReference(vector.input);
      expect(parsed.name).toBe(vector.name);
      expect(parsed.tag ?? '').toBe(vector.tag);
      expect(parsed.digest ?? '').toBe(vector.digest);
    }
  });

  it('parseAnyReference: named references normalize to the equivalent form', () => {
    let checked = 0;
    for (const vector of vectors.parseAnyReference) {
      const result = tryParseImageReference(vector.input);
      if (vector.expectedDigestReference !== null) {
        // ParseAnyReference reads these as digest-only references; a manifest cannot deploy one.
        // A bare image ID is refused; `sha256:<hex>` reads as repository `sha256` with a tag,
        // as Docker's ParseNormalizedNamed reads it: never as a digest.
        if (result.ok) expect(result.ref.digest, vector.input).toBeUndefined();
        else expect(result.reason).toBe('identifier-not-allowed');
        continue;
      }
      if (!result.ok) throw new Error(result.message);
      expect(result.ref.tagImplied ? result.ref.name : result.ref.normalized).toBe(vector.equivalent);
      checked += 1;
    }
    expect(checked).toBe(12);
  });

  it('parseDockerRef: the normalized reference, with latest added when there is no tag', () => {
    for (const vector of vectors.parseDockerRef) {
      const ref = parseImageReference(vector.input);
      // Docker drops the tag when a digest is present; Sluice keeps both in `normalized`.
      const dockerForm = ref.digest ? `${ref.name}@${ref.digest}` : ref.normalized;
      expect(dockerForm, vector.input).toBe(vector.expected);
    }
  });

  it('regular expressions match exactly the vectors', () => {
    for (const [key, cases] of Object.entries(vectors.regexp)) {
      const regexp = REFERENCE_GRAMMAR[key as keyof Vectors['regexp']];
      for (const vector of cases) {
        const match = regexp.exec(vector.input);
        expect(match !== null, `${key}: ${vector.input}`).toBe(vector.match);
        if (match && vector.subs) expect(match.slice(1).map((sub) => sub ?? '')).toEqual(vector.subs);
      }
    }
  });
});

describe('parseImageReference', () => {
  it('normalizes the forms written in manifests', () => {
    expect(parseImageReference('nginx:1.21.0')).toEqual({
      registry: 'docker.io',
      repository: 'library/nginx',
      tag: '1.21.0',
      tagImplied: false,
      name: 'docker.io/library/nginx',
      normalized: 'docker.io/library/nginx:1.21.0',
      familiarName: 'nginx',
      familiar: 'nginx:1.21.0',
    });
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(parseImageReference(`ghcr.io/x/y:1.0@${digest}`).normalized).toBe(`ghcr.io/x/y:1.0@${digest}`);
    expect(parseImageReference(`busybox@${digest}`)).toMatchObject({
      normalized: `docker.io/library/busybox@${digest}`,
      tagImplied: false,
    });
    expect(parseImageReference(`busybox@${digest}`).tag).toBeUndefined();
    expect(parseImageReference('localhost:5000/app').normalized).toBe('localhost:5000/app:latest');
    expect(parseImageReference('localhost/app').registry).toBe('localhost');
    expect(parseImageReference('index.docker.io/bitnami/redis').normalized).toBe(
      'docker.io/bitnami/redis:latest',
    );
    expect(parseImageReference('registry.example.com:8443/team/app:v1').registry).toBe(
      'registry.example.com:8443',
    );
  });

  it.each<[string, ImageReferenceErrorReason]>([
    ['ghcr.io/Owner/app:1.0', 'name-contains-uppercase'],
    [`nginx@sha256:${'a'.repeat(40)}`, 'digest-invalid-length'],
    ['nginx@sha256:abc', 'invalid-format'],
    [`nginx@sha256:${'A'.repeat(64)}`, 'digest-invalid-format'],
    [`nginx@md5:${'a'.repeat(32)}`, 'digest-unsupported'],
    ['-nginx', 'invalid-format'],
    ['nginx :1.0', 'invalid-characters'],
    [' nginx', 'invalid-characters'],
    ['nginx\u0000', 'invalid-characters'],
    ['nginx\t', 'invalid-characters'],
    ['ghcr.io/app:${TAG}', 'unresolved-variable'],
    ['${REGISTRY}/app:1.0', 'unresolved-variable'],
    ['app:$(TAG)', 'unresolved-variable'],
    ['', 'name-empty'],
    [`${'a'.repeat(5000)}`, 'name-too-long'],
  ])('refuses %j (%s)', (text, reason) => {
    const result = tryParseImageReference(text);
    expect(result).toMatchObject({ ok: false, reason });
    expect(reasonOf(() => parseImageReference(text))).toBe(reason);
  });

  it('finishes quickly on pathological input (no catastrophic backtracking)', () => {
    const nasty = `${'a-'.repeat(2000)}!`;
    expect(tryParseImageReference(nasty).ok).toBe(false);
    expect(tryParseImageReference(`${'a.'.repeat(1000)}/${'b_'.repeat(1000)}`).ok).toBe(false);
  });
});

describe('a first component that looks like a registry but is not a valid host', () => {
  it.each(['my_registry.com/app:1', 'a.a__a/a', 'a.b_c:5000/x', 'foo_bar.com:8080/app', 'dock_.er/docker'])(
    'rejects %s as Docker does',
    (text) => {
      const result = tryParseImageReference(text);
      expect(result).toMatchObject({
        ok: false,
        reason: 'invalid-format',
        message: 'invalid reference format',
      });
      expect(() => parseImageReference(text)).toThrow('invalid reference format');
    },
  );

  it('still accepts underscores in the repository path and in a Docker Hub namespace', () => {
    expect(parseImageReference('example.com/some_separator__underscore/app:1').normalized).toBe(
      'example.com/some_separator__underscore/app:1',
    );
    expect(parseImageReference('test_com/foo').normalized).toBe('docker.io/test_com/foo:latest');
  });

  it('normalizes idempotently: every accepted normalized form parses to itself', () => {
    for (const text of [
      'nginx',
      'a.b/c_d:1',
      'localhost:5000/x__y',
      'test_com/foo',
      'registry.io/a/b@sha256:' + 'a'.repeat(64),
    ]) {
      const { normalized, familiar } = parseImageReference(text);
      expect(normalized.startsWith('/')).toBe(false);
      expect(parseImageReference(normalized).normalized).toBe(normalized);
      expect(parseImageReference(familiar).normalized).toBe(normalized);
    }
  });
});
