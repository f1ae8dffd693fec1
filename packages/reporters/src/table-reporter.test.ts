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

  it('limits findings per image and cuts long cells', () => {
    const text = renderTable(buildSampleReport(), { maxFindingsPerImage: 0, maxCellWidth: 20 });
    expect(text).not.toContain('fails the policy');
    expect(text).toContain('ghcr.io/aquasecurit…');
  });

  it('strips control characters and escape sequences from hostile manifest text', () => {
    const text = renderTable(buildHostileReport(), { maxCellWidth: 500 });
    expect(text).not.toMatch(CONTROL);
    expect(text).toContain('red');
    expect(text).not.toContain('[31mred');
    expect(HOSTILE).toContain('\u001b[31m');
    // The hostile newline did not start a new row.
    expect(text).not.toMatch(/^<\/details>/m);
  });
});
