// Property tests: whatever text a manifest carries, every format stays well-formed.
import { readFileSync } from 'node:fs';
import type { GateReport } from '@sluice/core';
import { repoPath } from '@sluice/test-utils';
import fc from 'fast-check';
import { validateXML } from 'xmllint-wasm';
import { describe, expect, it } from 'vitest';
import { buildSampleReport } from './__fixtures__/sample-report.js';
import { sarifSchemaErrors } from './__fixtures__/validate-sarif.js';
import { renderDotGraph } from './dot.js';
import { serializeGateReport } from './json-reporter.js';
import { renderJunit } from './junit-reporter.js';
import { renderMarkdown } from './markdown-reporter.js';
import { renderMermaidGraph } from './mermaid.js';
import { buildSarifLog, sarifReporter } from './sarif-reporter.js';
import { renderTable } from './table-reporter.js';

// Strings biased towards the characters that break formats.
const nasty = fc.string({
  unit: fc.oneof(
    fc.constantFrom(
      '"',
      "'",
      '<',
      '>',
      '&',
      '|',
      '`',
      '\\',
      '[',
      ']',
      '(',
      ')',
      '#',
      '%',
      ';',
      '@',
      '\n',
      '\r',
      '\t',
    ),
    fc.constantFrom(
      '\u001b',
      '\u0000',
      '\u0007',
      '\u009b',
      '\u202e',
      '\ud800',
      '\ufffe',
      ']]>',
      '-->',
      '```',
      '%%',
      // Workflow commands, terminal links and screen clearing, autolinks.
      '::add-mask::',
      '::stop-commands::',
      '##[',
      '##vso[',
      '\u001b]8;;https://evil.example\u0007',
      '\u001b[2J',
      'https://',
      'www.',
      '#1',
    ),
    fc.string({ unit: 'binary', maxLength: 3 }),
  ),
  maxLength: 40,
});

/** The sample report with the given text in object ids, names, refs, packages and messages. */
function withText(texts: readonly string[]): GateReport {
  const sample = buildSampleReport();
  const pick = (index: number): string => texts[index % texts.length] ?? '';
  const objectId = (index: number): string => `Kustomization/ns/${pick(index)}`;
  return {
    ...sample,
    images: sample.images.map((image, index) => ({
      ...image,
      ref: `${image.ref}${pick(index)}`,
      locations: image.locations.map((location) => ({
        ...location,
        file: `dir/${pick(index + 1)}.yaml`,
        name: pick(index + 2),
        fluxObjects: [objectId(index)],
      })),
      findings: image.findings.map((finding) => ({
        ...finding,
        package: pick(index + 3),
        title: pick(index + 4),
      })),
      ...(image.error ? { error: { ...image.error, message: pick(index + 5) } } : {}),
    })),
    objects: texts.map((_, index) => ({
      id: objectId(index),
      status: (['pass', 'blocked', 'blocked-upstream', 'unknown', 'suspended'] as const)[index % 5]!,
      reasons: [pick(index + 6)],
      file: `${pick(index)}.yaml`,
    })),
    graph: {
      nodes: texts.map((_, index) => ({
        id: objectId(index),
        dependsOn: [objectId(index + 1), pick(index + 7)],
        manages: [],
        images: [],
      })),
      waves: [],
    },
    diagnostics: texts.map((text) => ({
      file: 'x.yaml',
      line: 1,
      severity: 'error' as const,
      code: 'c',
      message: text,
    })),
  };
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/;

// What GitHub Actions would run from a line of a job's log (actions/runner ActionCommand).
const WORKFLOW_COMMAND = /^\s*::|##\[|##vso\[/m;
// Raw characters a terminal acts on or shows misleadingly (C0 but tab and line breaks, DEL, C1, bidi).
// eslint-disable-next-line no-control-regex
const TERMINAL_UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('hostile manifest text', () => {
  it('reaches no human-readable or machine output as a workflow command or a terminal escape', async () => {
    const samples = fc.sample(fc.array(nasty, { minLength: 1, maxLength: 6 }), { numRuns: 40, seed: 16 });
    for (const texts of samples) {
      const report = withText(texts);
      const outputs: Record<string, string> = {
        table: renderTable(report),
        markdown: renderMarkdown(report),
        mermaid: renderMermaidGraph(report),
        dot: renderDotGraph(report),
        junit: renderJunit(report),
        json: serializeGateReport(report),
        sarif: (await sarifReporter().render(report)) as string,
      };
      for (const [format, text] of Object.entries(outputs)) {
        expect(text, `${format} of ${JSON.stringify(texts)}`).not.toMatch(WORKFLOW_COMMAND);
        expect(text, `${format} of ${JSON.stringify(texts)}`).not.toMatch(TERMINAL_UNSAFE);
      }
      // Machine formats keep exact values: the hostile ids come back unchanged.
      const ids = (JSON.parse(outputs.json!) as { objects: { id: string }[] }).objects.map(
        (object) => object.id,
      );
      expect(ids.sort()).toEqual(report.objects.map((object) => object.id).sort());
    }
  });

  it('never breaks Markdown, Mermaid, DOT, the terminal table or SARIF', () => {
    fc.assert(
      fc.property(fc.array(nasty, { minLength: 1, maxLength: 6 }), (texts) => {
        const report = withText(texts);
        const markdown = renderMarkdown(report);
        expect(markdown.match(/<details>/g)?.length ?? 0).toBe(markdown.match(/<\/details>/g)?.length ?? 0);
        expect(markdown.match(/^```/gm)?.length).toBe(2);
        expect(new Set([...markdown.matchAll(/<\/?([a-z]+)/gi)].map((m) => m[1]))).toEqual(
          new Set(['details', 'summary', 'code', 'br', 'sub']),
        );
        for (const line of renderMermaidGraph(report).trimEnd().split('\n').slice(1)) {
          expect(line).toMatch(
            /^ {2}(n\d+\["[A-Za-z0-9 /._:,=+#;-]*<br\/>[a-z-]+"\]|n\d+ -(-|\.-)> n\d+|classDef .*|class [n\d,]+ \w+)$/,
          );
        }
        for (const line of renderDotGraph(report).trimEnd().split('\n').slice(3, -1)) {
          expect(line).toMatch(
            /^ {2}n\d+ (\[label="(?:[^"\\\n]|\\.)*", [^"]*"[^"]*"(, [a-z]+="[^"]*")*\];|-> n\d+( \[[^\]]*\])?;)$/,
          );
        }
        expect(renderTable(report)).not.toMatch(CONTROL);
        expect(sarifSchemaErrors(buildSarifLog(report))).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it('never breaks the JUnit XML (validated against junit-10.xsd and JUnit.xsd)', async () => {
    const samples = fc.sample(fc.array(nasty, { minLength: 3, maxLength: 8 }), { numRuns: 8, seed: 42 });
    const junit10 = readFileSync(repoPath('fixtures/schemas/junit-10.xsd'), 'utf8');
    const ant = readFileSync(repoPath('fixtures/schemas/JUnit.xsd'), 'utf8');
    for (const texts of samples) {
      const report = withText(texts);
      for (const [dialect, schema] of [
        ['junit-10', junit10],
        ['ant', ant],
      ] as const) {
        const result = await validateXML({
          xml: [{ fileName: 'report.xml', contents: renderJunit(report, { dialect }) }],
          schema: [{ fileName: 'schema.xsd', contents: schema }],
        });
        expect(result.errors.map((error) => error.rawMessage)).toEqual([]);
      }
    }
  });
});
