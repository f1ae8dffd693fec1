// How an ignore file's text is read, as fluxcd/pkg `sourceignore.ReadPatterns` reads it:
// bufio.Scanner lines (a byte order mark is not stripped), and a line is a pattern unless it
// starts with `#` or Go's `strings.TrimSpace` (unicode.IsSpace) leaves nothing of it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLeniently, readIgnorePatterns, SourceIgnore } from './source-ignore.js';

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sluice-ignore-text-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

// Every rune Go's unicode.IsSpace reports, and a few that look like space but are not.
const GO_SPACES =
  '\t\n\v\f\r \u0085\u00A0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u2028\u2029\u202F\u205F\u3000';
const NOT_GO_SPACES = ['\uFEFF', '\u180E', '\u200B', '\u2060', '\u001C', '\u00AD'];

describe('.sourceignore text as source-controller reads it', () => {
  it('keeps a UTF-8 byte order mark in the first pattern, which then matches no file', async () => {
    // An editor that saves UTF-8 with a BOM: for Flux the first pattern is "\uFEFF*.yaml", so
    // every manifest stays in the artifact.
    await writeFile(join(root, '.sourceignore'), Buffer.from('\uFEFF*.yaml\n', 'utf8'));
    const rules = await SourceIgnore.forFolder(root);
    expect(rules.ignores('apps/deployment.yaml', false)).toBe(false);
  });

  it('decodes any bytes, keeping the byte order mark and replacing invalid bytes', () => {
    expect(decodeLeniently(Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0xff, 0x0a]))).toBe('\uFEFFa\uFFFD\n');
  });

  it("takes a line of Go's spaces as blank, whatever else it holds", () => {
    for (const space of GO_SPACES.replace('\n', '')) expect(readIgnorePatterns(`${space}\n`)).toHaveLength(0);
    expect(readIgnorePatterns(`${GO_SPACES.replace('\n', '')}\r\n`)).toHaveLength(0);
  });

  it('takes a line of a character JavaScript trims but Go does not as a pattern', () => {
    for (const char of NOT_GO_SPACES) expect(readIgnorePatterns(`${char}\n`)).toHaveLength(1);
  });

  it('drops one CR at the end of a line and skips comments', () => {
    const patterns = readIgnorePatterns('# a comment\r\n*.txt\r\n \t# not a comment\n');
    expect(patterns.map((pattern) => pattern.parts.join('/'))).toEqual(['*.txt', ' \t# not a comment']);
  });
});
