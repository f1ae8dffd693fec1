import fc from 'fast-check';

const alnum = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split(''));
const word = (max: number): fc.Arbitrary<string> =>
  fc.array(alnum, { minLength: 1, maxLength: max }).map((chars) => chars.join(''));
const separator = fc.constantFrom('.', '_', '__', '-', '--');

/** A path component of the distribution grammar: `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`. */
export const pathComponent: fc.Arbitrary<string> = fc
  .tuple(word(6), fc.array(fc.tuple(separator, word(4)), { maxLength: 2 }))
  .map(([head, rest]) => head + rest.map(([sep, part]) => sep + part).join(''));

/** A registry host: a DNS name with a dot, `localhost`, or an IPv4 address, with an optional port. */
export const domain: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(
      fc.tuple(word(8), word(4)).map(([name, tld]) => `${name}.${tld}`),
      fc.constant('localhost'),
      fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((parts) => parts.join('.')),
    ),
    fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
  )
  .map(([host, port]) => (port === undefined ? host : `${host}:${port}`));

/** A tag: `[\w][\w.-]{0,127}`. */
export const tag: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...'abcXYZ019_'.split('')),
    fc.array(fc.constantFrom(...'abcXYZ019_.-'.split('')), { maxLength: 20 }),
  )
  .map(([first, rest]) => first + rest.join(''));

/** A sha256 digest. */
export const digest: fc.Arbitrary<string> = fc
  .array(fc.constantFrom(...'0123456789abcdef'.split('')), { minLength: 64, maxLength: 64 })
  .map((hex) => `sha256:${hex.join('')}`);

/** Image references the grammar accepts: `[domain/]path[:tag][@digest]`. */
export const imageReference: fc.Arbitrary<string> = fc
  .tuple(
    fc.option(domain, { nil: undefined }),
    fc.array(pathComponent, { minLength: 1, maxLength: 3 }),
    fc.option(tag, { nil: undefined }),
    fc.option(digest, { nil: undefined }),
  )
  // Without a domain, Docker reads a first component with a dot as a registry: keep those out.
  .filter(
    ([host, path]) =>
      host !== undefined ||
      (!/^[0-9a-f]{64}$/.test(path.join('/')) && (path.length === 1 || !path[0]!.includes('.'))),
  )
  .map(
    ([host, path, tagText, digestText]) =>
      `${host === undefined ? '' : `${host}/`}${path.join('/')}${tagText === undefined ? '' : `:${tagText}`}${digestText === undefined ? '' : `@${digestText}`}`,
  );
