import { GateSummary, ImageVerdict, ObjectStatus } from '@sluice/core';
import { readRepoFile } from '@sluice/test-utils';
import { describe, expect, it } from 'vitest';
import { buildSampleReport } from './__fixtures__/sample-report.js';
import { renderMarkdown } from './markdown-reporter.js';
import { renderTable } from './table-reporter.js';

const doc = await readRepoFile('docs/reading-the-report.md');

/** The column headers of every text table in a rendering: the line above each `───` rule. */
function tableHeaders(text: string): string[] {
  const lines = text.split('\n');
  return lines.flatMap((line, index) =>
    /^─/.test(lines[index + 1] ?? '') ? line.trim().split(/ {2,}/) : [],
  );
}

describe('docs/reading-the-report.md', () => {
  it('explains every object status and image verdict', () => {
    for (const status of ObjectStatus.options) expect(doc).toContain(`| \`${status}\` |`);
    for (const verdict of ImageVerdict.options) expect(doc).toContain(`| \`${verdict}\` |`);
  });

  it('explains every column of the terminal tables and the Markdown tables', () => {
    const headers = new Set(tableHeaders(renderTable(buildSampleReport())));
    expect(headers.size).toBeGreaterThan(10);
    for (const header of headers) expect(doc, header).toMatch(new RegExp(`\`${header}\``));
    const markdown = renderMarkdown(buildSampleReport());
    const markdownHeaders = [...markdown.matchAll(/^\| ([^\n]+) \|\n\| (?:-+|:?-+:?)/gm)].flatMap((match) =>
      match[1]!.split(' | '),
    );
    expect(markdownHeaders.length).toBeGreaterThan(8);
    for (const header of markdownHeaders) expect(doc, header).toContain(`\`${header}\``);
  });

  it('explains every summary count', () => {
    for (const [group, schema] of Object.entries(GateSummary.shape)) {
      for (const field of Object.keys(schema.shape)) expect(doc).toContain(`| \`${group}.${field}\` |`);
    }
  });

  it('names the SARIF rules of gate results', () => {
    for (const rule of ['object-blocked', 'object-blocked-upstream', 'object-unknown', 'scan-error']) {
      expect(doc).toContain(`\`sluice/${rule}\``);
    }
  });
});
