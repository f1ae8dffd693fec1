import { describe, expect, it } from 'vitest';
import {
  HOSTILE,
  buildHostileReport,
  buildPassingReport,
  buildSampleReport,
} from './__fixtures__/sample-report.js';
import { renderTable, tableReporter } from './table-reporter.js';

// ESC, BEL and other C0/C1 controls except line feed.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('tableReporter', () => {
  it('matches the golden files, without and with colour', async () => {
    await expect(await tableReporter().render(buildSampleReport())).toMatchFileSnapshot(
      './__fixtures__/golden/sample.txt',
    );
    await expect(await tableReporter({ color: true }).render(buildSampleReport())).toMatchFileSnapshot(
      './__fixtures__/golden/sample-color.txt',
    );
  });

  it('writes no escape sequences unless colour is asked for', () => {
    expect(renderTable(buildSampleReport())).not.toMatch(CONTROL);
    expect(renderTable(buildSampleReport(), { color: true })).toContain('\u001b[31mBLOCKED\u001b[39m');
  });

  it('puts the verdict first and lists objects, images, failing findings and diagnostics', () => {
    const text = renderTable(buildSampleReport());
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      'Sluice BLOCKED: 5 of 7 Flux objects must not be applied (2 blocked, 1 blocked upstream, 2 unknown), 1 suspended, 1 pass; 6 images: 3 failing, 1 not scanned, 2 pass',
    );
    expect(text).toMatch(/Kustomization\/flux-system\/apps-extra +blocked-upstream +Depends on/);
    expect(text).toMatch(
      /ghcr\.io\/aquasecurity\/trivy-test-images:alpine-39 +fail +1 +0 +4 +0 +0 +apps\/base\/podinfo\/deployment\.yaml:24:18 \(\+1\)/,
    );
    expect(text).toContain('CRITICAL  CVE-2019-14697  musl ');
    // The suppressed musl-utils finding does not fail the policy.
    expect(text).not.toContain('musl-utils');
    expect(text).toContain('registry.example.com/private/redis:7.2: scan failed');
    expect(text).toContain('clusters/production/apps.yaml:27:5: dependsOn names');
    expect(renderTable(buildPassingReport()).split('\n')[0]).toMatch(/^Sluice PASS: .*; 1 image: 0 failing/);
  });

  it('aligns columns whatever the colour', () => {
    const plain = renderTable(buildSampleReport()).split('\n');
    const stripped = renderTable(buildSampleReport(), { color: true })
      // eslint-disable-next-line no-control-regex
      .replace(/\u001b\[\d+m/g, '')
      .split('\n');
    expect(stripped).toEqual(plain);
  });

  it('limits findings per image', () => {
    const text = renderTable(buildSampleReport(), { maxFindingsPerImage: 0 });
    expect(text).not.toMatch(/: \d+ findings? fails? the policy$/m);
    expect(renderTable(buildSampleReport())).toMatch(/: \d+ findings? fails? the policy$/m);
  });

  it('never cuts a cell: without a width every reason and reference is whole on its line', () => {
    const report = buildSampleReport();
    const text = renderTable(report);
    expect(text).not.toContain('…');
    for (const object of report.objects) expect(text).toContain(object.reasons.join(' '));
    for (const image of report.images) expect(text).toContain(image.ref);
  });

  it.each([60, 80, 120, 200])('fits every line into %i columns, wrapping instead of cutting', (width) => {
    const report = buildSampleReport();
    const text = renderTable(report, { width });
    const lines = text.trimEnd().split('\n');
    for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(width);
    expect(text).not.toContain('…');
    // Every character of every reason is still there, in order, across the wrapped lines.
    const squeezed = text.replace(/[\s─]+/g, '');
    for (const object of report.objects) {
      const reason = object.reasons.join('').replace(/\s+/g, '');
      const letters = [...reason];
      let at = 0;
      for (const letter of letters) {
        at = squeezed.indexOf(letter, at);
        expect(at, `${object.id}: ${reason}`).toBeGreaterThanOrEqual(0);
        at += letter.length;
      }
    }
  });

  it('matches the golden file at 80 columns, with colour, aligned as without', async () => {
    await expect(await tableReporter({ width: 80 }).render(buildSampleReport())).toMatchFileSnapshot(
      './__fixtures__/golden/sample-80.txt',
    );
    const colored = renderTable(buildSampleReport(), { width: 80, color: true });
    // eslint-disable-next-line no-control-regex
    expect(colored.replace(/\u001b\[\d+m/g, '')).toBe(renderTable(buildSampleReport(), { width: 80 }));
  });

  it('strips control characters and escape sequences from hostile manifest text', () => {
    const text = renderTable(buildHostileReport());
    expect(text).not.toMatch(CONTROL);
    expect(text).toContain('red');
    expect(text).not.toContain('[31mred');
    expect(HOSTILE).toContain('\u001b[31m');
    // The hostile newline did not start a new row.
    expect(text).not.toMatch(/^<\/details>/m);
  });
});
