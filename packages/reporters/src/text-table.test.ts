import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displayWidth, formatTextTable, wrapText, wrapWithIndent } from './text-table.js';

describe('wrapText', () => {
  it('wraps at spaces, and breaks a long reference after a slash or colon', () => {
    expect(wrapText('It depends on Kustomization/flux-system/apps, which is blocked.', 30)).toEqual([
      'It depends on',
      'Kustomization/flux-system/',
      'apps, which is blocked.',
    ]);
    expect(wrapText('ghcr.io/aquasecurity/trivy-test-images:alpine-39', 27)).toEqual([
      'ghcr.io/aquasecurity/',
      'trivy-test-images:alpine-39',
    ]);
    expect(wrapText('ghcr.io/aquasecurity/trivy-test-images:alpine-39', 20)).toEqual([
      'ghcr.io/aquasecurity',
      '/trivy-test-images:',
      'alpine-39',
    ]);
  });

  it('keeps every character, fits every line, and leaves short text alone', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-z/:.-]{0,30}$/), { maxLength: 12 }).map((words) => words.join(' ')),
        fc.integer({ min: 1, max: 40 }),
        (text, width) => {
          const lines = wrapText(text, width);
          if (displayWidth(text) <= width) expect(lines).toEqual([text]);
          else for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(width);
          expect(lines.join('').replace(/ /g, '')).toBe(text.replace(/ /g, ''));
        },
      ),
    );
  });

  it('indents continuation lines', () => {
    expect(wrapWithIndent('aaa bbb ccc ddd', 8, 2)).toEqual(['aaa bbb', '  ccc', '  ddd']);
    expect(wrapWithIndent('  warning aaa bbb', 12, 2)).toEqual(['  warning', '    aaa bbb']);
  });
});

describe('formatTextTable', () => {
  const rows = [
    [
      { text: 'Kustomization/flux-system/infra-controllers' },
      { text: 'blocked-upstream' },
      { text: 'x '.repeat(60).trim() },
    ],
    [{ text: 'HelmRelease/apps/blog' }, { text: 'pass' }, { text: 'Its image passes the policy.' }],
  ];

  it('keeps natural widths when the table fits, and narrows the widest columns when not', () => {
    const wide = formatTextTable(['Flux object', 'Status', 'Reason'], rows, { width: 200 });
    expect(wide.split('\n')).toHaveLength(4);
    const narrow = formatTextTable(['Flux object', 'Status', 'Reason'], rows, { width: 60 });
    const lines = narrow.split('\n');
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(60);
    // The status column is never broken inside a word.
    expect(narrow).toContain('blocked-upstream');
    expect(lines.length).toBeGreaterThan(4);
  });
});
