import { describe, expect, it } from 'vitest';
import { buildHugeReport } from './__fixtures__/huge-report.js';
import {
  HOSTILE,
  buildHostileReport,
  buildPassingReport,
  buildSampleReport,
} from './__fixtures__/sample-report.js';
import { GITHUB_COMMENT_LIMIT, markdownReporter, renderMarkdown } from './markdown-reporter.js';

/** The structural invariants every Markdown report keeps, whatever its content. */
function expectWellFormed(markdown: string): void {
  const opened = markdown.match(/<details>/g)?.length ?? 0;
  expect(markdown.match(/<\/details>/g)?.length ?? 0).toBe(opened);
  expect(markdown.match(/^```/gm)?.length ?? 0).toBe(markdown.includes('```mermaid') ? 2 : 0);
  expect(markdown).not.toMatch(/<script|<img|<a /i);
  // Raw HTML is only ever the tags the reporter writes itself.
  const tags = new Set([...markdown.matchAll(/<\/?([a-z]+)/gi)].map((match) => match[1]));
  for (const tag of tags) expect(['details', 'summary', 'code', 'br', 'sub']).toContain(tag);
  // Every table row has as many unescaped cell separators as its header.
  const lines = markdown.split('\n');
  let columns = 0;
  for (const line of lines) {
    if (!line.startsWith('|')) {
      columns = 0;
      continue;
    }
    const separators = line.replace(/\\\|/g, '').match(/\|/g)?.length ?? 0;
    if (columns === 0) columns = separators;
    expect(separators, line).toBe(columns);
  }
}

describe('markdownReporter', () => {
  it('matches the golden file', async () => {
    await expect(await markdownReporter().render(buildSampleReport())).toMatchFileSnapshot(
      './__fixtures__/golden/sample.md',
    );
  });

  it('puts the verdict first, then blocked objects, the graph, images, findings and diagnostics', () => {
    const markdown = renderMarkdown(buildSampleReport());
    expect(markdown.split('\n')[0]).toBe('## ⛔ Sluice: blocked');
    const order = [
      '### Blocked objects',
      '### Flux dependencies',
      '### Images',
      '### Findings',
      '### Diagnostics',
    ];
    const positions = order.map((heading) => markdown.indexOf(heading));
    expect(positions.every((position) => position > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(markdown).toContain(
      '| Kustomization/flux-system/apps-extra (clusters/production/apps.yaml:20) | 🚫 blocked-upstream |',
    );
    expect(markdown).toContain('classDef blocked fill:#f8d7da');
    expect(markdown).toContain(
      '<details><summary>❌ <code>ghcr.io/aquasecurity/trivy-test-images:alpine-39</code>: 1 CRITICAL, 4 MEDIUM</summary>',
    );
    expect(markdown).toContain('ignored: accepted until 2027-01-01 \\(ticket SEC-12\\)');
    expect(markdown).toContain(
      '| CRITICAL | [CVE-2019-14697](https://avd.aquasec.com/nvd/cve-2019-14697) | musl |',
    );
    expectWellFormed(markdown);
  });

  it('says pass for a clean report and can leave out the graph', () => {
    const markdown = renderMarkdown(buildPassingReport(), { graph: false, title: 'Gate' });
    expect(markdown.split('\n')[0]).toBe('## ✅ Gate: pass');
    expect(markdown).not.toContain('mermaid');
    expect(markdown).not.toContain('### Blocked objects');
    expectWellFormed(markdown);
  });

  it('escapes hostile manifest text: no HTML, no broken tables, no mentions, no escaped graph', () => {
    const markdown = renderMarkdown(buildHostileReport());
    expectWellFormed(markdown);
    expect(markdown).not.toContain('@octocat');
    expect(markdown).not.toContain('\u001b');
    expect(HOSTILE).toContain('</details>');
    const mermaid = markdown.slice(markdown.indexOf('```mermaid'), markdown.lastIndexOf('```'));
    // The hostile `"]; click A "javascript:…"` stays inside a label: no statement starts with it.
    expect(mermaid).not.toMatch(/^\s*click/m);
    expect(mermaid).not.toContain('"javascript');
  });

  it('summarises a huge report under GitHub’s 65,536-character limit, verdict first', () => {
    const report = buildHugeReport(400, 200);
    const markdown = renderMarkdown(report, { detailsUrl: 'https://ci.example.com/artifacts/sluice.json' });
    expect(markdown.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(markdown.split('\n')[0]).toBe('## ⛔ Sluice: blocked');
    expect(markdown).toContain('Summarised to fit 65,536 characters');
    expect(markdown).toContain('[Full report](https://ci.example.com/artifacts/sluice.json)');
    expect(markdown).toMatch(/\d[\d,]* findings not shown/);
    expectWellFormed(markdown);
    // Deterministic too.
    expect(renderMarkdown(report, { detailsUrl: 'https://ci.example.com/artifacts/sluice.json' })).toBe(
      markdown,
    );
  });

  it('keeps as much detail as fits: a medium report keeps its failing findings only', () => {
    const markdown = renderMarkdown(buildHugeReport(20, 150));
    expect(markdown.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(markdown).toContain('Summarised');
    expect(markdown).toContain('```mermaid');
    expect(markdown).toContain('| CRITICAL | CVE-2024-00000 |');
    // A URL that could break out of the link is not linked.
    const hostileUrl = buildSampleReport();
    hostileUrl.images = hostileUrl.images.map((image) => ({
      ...image,
      findings: image.findings.map((finding) => ({ ...finding, primaryUrl: 'https://x.test/a)<b>' })),
    }));
    expect(renderMarkdown(hostileUrl)).not.toContain('](https://x.test');
    expect(markdown).not.toContain('| MEDIUM |');
  });

  it('honours any length limit, even a tiny one', () => {
    for (const maxLength of [200, 2_000, 20_000]) {
      const markdown = renderMarkdown(buildHugeReport(50, 50), { maxLength });
      expect(markdown.length).toBeLessThanOrEqual(maxLength);
      expect(markdown.startsWith('## ⛔ Sluice: blocked')).toBe(true);
    }
  });
});
