import { describe, expect, it } from 'vitest';
import { parseTrivyIgnore } from './trivy-ignore.js';
import { parseTrivyIgnoreYaml } from './trivy-ignore-yaml.js';

describe('parseTrivyIgnore', () => {
  it('reads ids, expiry dates and comments, skipping blank and comment lines', () => {
    const text = [
      '# vulnerabilities',
      'CVE-2019-0001',
      '',
      'CVE-2019-0004 exp:2020-01-01',
      '  CVE-2019-0006 exp:9999-01-01 key2:value2 # waiting for upstream',
    ].join('\n');
    const { ignores, diagnostics } = parseTrivyIgnore(text, '.trivyignore');
    expect(diagnostics).toEqual([]);
    expect(ignores).toEqual([
      { id: 'CVE-2019-0001', source: { file: '.trivyignore', line: 2 } },
      { id: 'CVE-2019-0004', expires: '2020-01-01', source: { file: '.trivyignore', line: 4 } },
      {
        id: 'CVE-2019-0006',
        expires: '9999-01-01',
        reason: 'waiting for upstream',
        source: { file: '.trivyignore', line: 5 },
      },
    ]);
  });

  it('skips a line with an unreadable expiry date and reports it with its line and column', () => {
    const { ignores, diagnostics } = parseTrivyIgnore(
      'CVE-1\nCVE-2 exp:2025-02-30\nCVE-3 exp:tomorrow\r\n',
      'x/.trivyignore',
    );
    expect(ignores.map((rule) => rule.id)).toEqual(['CVE-1']);
    expect(diagnostics).toMatchObject([
      { file: 'x/.trivyignore', line: 2, column: 7, severity: 'error', code: 'invalid-ignore' },
      { file: 'x/.trivyignore', line: 3, column: 7, severity: 'error', code: 'invalid-ignore' },
    ]);
    expect(diagnostics[0]?.message).toContain('exp:2025-02-30');
  });
});

describe('parseTrivyIgnoreYaml', () => {
  it("reads Trivy's vulnerabilities list with paths, purls, expired_at and statement", () => {
    const text = [
      'vulnerabilities:',
      '  - id: CVE-2019-0001',
      '    paths:',
      '      - "**/*-lock.json"',
      '  - id: CVE-2019-0005',
      '    expired_at: 2023-01-01',
      '    statement: Accept the risk',
      '  - id: CVE-2019-0007',
      '    purls:',
      '      - "pkg:golang/github.com/aquasecurity/bar"',
      '  - purls: ["pkg:deb/ubuntu/linux-libc-dev"]',
      'misconfigurations:',
      '  - id: ID100',
    ].join('\n');
    const { ignores, diagnostics } = parseTrivyIgnoreYaml(text, '.trivyignore.yaml');
    expect(ignores).toEqual([
      { id: 'CVE-2019-0001', paths: ['**/*-lock.json'], source: { file: '.trivyignore.yaml', line: 2 } },
      {
        id: 'CVE-2019-0005',
        expires: '2023-01-01',
        reason: 'Accept the risk',
        source: { file: '.trivyignore.yaml', line: 5 },
      },
      {
        id: 'CVE-2019-0007',
        purls: ['pkg:golang/github.com/aquasecurity/bar'],
        source: { file: '.trivyignore.yaml', line: 8 },
      },
    ]);
    expect(diagnostics).toMatchObject([
      { line: 13, severity: 'info', code: 'ignore-section-unused' },
      { line: 11, severity: 'error', code: 'invalid-ignore' },
    ]);
  });

  it('skips bad entries with a diagnostic on their line and keeps the good ones', () => {
    const text = [
      'vulnerabilities:',
      '  - id: CVE-1',
      '  - statement: nothing to match',
      '  - id: CVE-2',
      '    expired_at: soon',
      '  - id: CVE-3',
      '    purls: ["not-a-purl"]',
      '  - just a string',
      '  - id: CVE-4',
      '    paths: notalist',
    ].join('\n');
    const { ignores, diagnostics } = parseTrivyIgnoreYaml(text, 'i.yaml');
    expect(ignores.map((rule) => rule.id)).toEqual(['CVE-1']);
    expect(diagnostics.map((diagnostic) => [diagnostic.line, diagnostic.code])).toEqual([
      [3, 'invalid-ignore'],
      [4, 'invalid-ignore'],
      [6, 'invalid-ignore'],
      [8, 'invalid-ignore'],
      [9, 'invalid-ignore'],
    ]);
  });

  it('refuses entries without an id, as Trivy ignores nothing with them: no catch-all paths or purls', () => {
    const text = [
      'vulnerabilities:',
      '  - paths: ["**"]',
      '    statement: hides every finding of every image',
      '  - paths: []',
      '  - purls: ["pkg:deb/debian/openssl"]',
      '  - id: ""',
      '  - id: CVE-2019-14697',
      '    paths: ["**"]',
      'secrets:',
      '  - paths: ["**"]',
    ].join('\n');
    const { ignores, diagnostics } = parseTrivyIgnoreYaml(text, 'repo/.trivyignore.yaml');
    // An id with paths "**" ignores that one vulnerability everywhere, as in Trivy.
    expect(ignores).toEqual([
      { id: 'CVE-2019-14697', paths: ['**'], source: { file: 'repo/.trivyignore.yaml', line: 7 } },
    ]);
    expect(diagnostics.map((diagnostic) => [diagnostic.file, diagnostic.line, diagnostic.code])).toEqual([
      ['repo/.trivyignore.yaml', 10, 'ignore-section-unused'],
      ['repo/.trivyignore.yaml', 2, 'invalid-ignore'],
      ['repo/.trivyignore.yaml', 4, 'invalid-ignore'],
      ['repo/.trivyignore.yaml', 5, 'invalid-ignore'],
      ['repo/.trivyignore.yaml', 6, 'invalid-ignore'],
    ]);
    expect(diagnostics[1]?.message).toBe(
      'The entry has no `id`: Trivy matches ignore entries by id, so an entry without one ignores nothing; the entry is skipped.',
    );
  });

  it('reports YAML syntax errors and a wrong shape instead of throwing', () => {
    expect(parseTrivyIgnoreYaml('vulnerabilities: [\n', 'a.yaml').diagnostics[0]).toMatchObject({
      code: 'yaml-syntax',
      file: 'a.yaml',
    });
    expect(parseTrivyIgnoreYaml('- CVE-1\n', 'b.yaml').diagnostics[0]).toMatchObject({
      code: 'invalid-ignore',
      line: 1,
    });
    expect(parseTrivyIgnoreYaml('vulnerabilities: 3\n', 'c.yaml').diagnostics[0]).toMatchObject({
      code: 'invalid-ignore',
      line: 1,
    });
    expect(parseTrivyIgnoreYaml('', 'd.yaml')).toEqual({ ignores: [], diagnostics: [] });
  });

  it('keeps a full timestamp in expired_at', () => {
    const { ignores } = parseTrivyIgnoreYaml(
      'vulnerabilities:\n  - id: CVE-1\n    expired_at: "2026-03-01T12:00:00Z"\n',
      'e.yaml',
    );
    expect(ignores[0]?.expires).toBe('2026-03-01T12:00:00.000Z');
  });
});
