// The distribution reference grammar, written out as regular expressions. Each piece follows a
// production of the grammar published with github.com/distribution/reference:
//
//   reference        := name [ ":" tag ] [ "@" digest ]
//   name             := [domain '/'] remote-name
//   domain           := host [':' port-number]
//   host             := domain-name | IPv4address | \[ IPv6address \]
//   domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
//   path-component   := alpha-numeric [separator alpha-numeric]*
//   alpha-numeric    := /[a-z0-9]+/
//   separator        := /[_.]|__|[-]+/
//   tag              := /[\w][\w.-]{0,127}/
//   digest           := algorithm ":" hex, algorithm components /[A-Za-z][A-Za-z0-9]*/ joined by [-_+.]

const ALPHA_NUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALPHA_NUMERIC}(?:${SEPARATOR}${ALPHA_NUMERIC})*`;
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
// IPv6 is only checked loosely here (hex digits and colons in brackets), as the grammar does.
const IPV6_ADDRESS = '\\[(?:[a-fA-F0-9:]+)\\]';
const HOST = `(?:${DOMAIN_NAME}|${IPV6_ADDRESS})`;
const DOMAIN_AND_PORT = `${HOST}(?::[0-9]+)?`;
const NAME = `(?:${DOMAIN_AND_PORT}/)?${REMOTE_NAME}`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}';
const IDENTIFIER = '[a-f0-9]{64}';

/**
 * Anchored regular expressions of the distribution reference grammar. Capture groups:
 * `reference` → (name, tag, digest); `anchoredName` → (domain, remote name).
 */
export const REFERENCE_GRAMMAR = {
  /** A registry host with an optional port: `ghcr.io`, `localhost:5000`, `[::1]:5000`. */
  domainAndPort: new RegExp(`^${DOMAIN_AND_PORT}$`),
  /** A repository name, split into (domain, remote name). */
  anchoredName: new RegExp(`^(?:(${DOMAIN_AND_PORT})/)?(${REMOTE_NAME})$`),
  /** A whole reference, split into (name, tag, digest). */
  reference: new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`),
  /** A whole reference, split into (domain, remote name, tag, digest). */
  referenceParts: new RegExp(`^(?:(${DOMAIN_AND_PORT})/)?(${REMOTE_NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`),
  /** A bare 64-character hexadecimal image ID. */
  anchoredIdentifier: new RegExp(`^${IDENTIFIER}$`),
  /** A tag on its own. */
  tag: new RegExp(`^${TAG}$`),
  /** A digest on its own (`algorithm:hex`), before the algorithm-specific checks. */
  digest: new RegExp(`^${DIGEST}$`),
} as const;

/** The longest remote name (path) the grammar accepts. */
export const REPOSITORY_NAME_MAX_LENGTH = 255;
