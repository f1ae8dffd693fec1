import { describe, expect, it } from 'vitest';
import type { TextStream } from './io.js';
import { createProgress } from './progress.js';

function stream(isTTY: boolean): TextStream & { text: string } {
  const target = {
    isTTY,
    text: '',
    write(chunk: string) {
      target.text += chunk;
      return true;
    },
  };
  return target;
}

describe('createProgress', () => {
  it('prints plain lines when stderr is not a terminal', () => {
    const out = stream(false);
    const progress = createProgress(out, { quiet: false });
    progress.note('sluice: 2 unique images');
    progress.update({ total: 2, scanned: 1, cached: 0, failed: 0 });
    progress.update({ total: 2, scanned: 1, cached: 0, failed: 0 });
    progress.update({ total: 2, scanned: 1, cached: 0, failed: 1 });
    progress.done();
    expect(out.text).toBe(
      [
        'sluice: 2 unique images',
        'sluice: 1/2 images (1 scanned, 0 cached, 0 failed)',
        'sluice: 2/2 images (1 scanned, 0 cached, 1 failed)',
        '',
      ].join('\n'),
    );
    expect(out.text).not.toContain('\r');
  });

  it('draws a live bar with counts and an ETA on a terminal, and clears it at the end', () => {
    const out = stream(true);
    let now = 0;
    const progress = createProgress(out, { quiet: false, now: () => now });
    now = 2000;
    progress.update({ total: 4, scanned: 1, cached: 1, failed: 0 });
    expect(out.text).toContain(
      '\r\u001b[2K[############------------] 2/4 scanned 1 cached 1 failed 0 ETA 2s',
    );
    progress.note('sluice: warning: slow registry');
    expect(out.text).toContain('\r\u001b[2Ksluice: warning: slow registry\n\r\u001b[2K[#');
    progress.done();
    expect(out.text.endsWith('\r\u001b[2K')).toBe(true);
    // The closing summary after the scan is a plain line: the bar is not drawn again under it.
    const before = out.text.length;
    progress.note('sluice: blocked: 1 of 2 Flux objects must not be applied');
    progress.update({ total: 4, scanned: 4, cached: 0, failed: 0 });
    expect(out.text.slice(before)).toBe('sluice: blocked: 1 of 2 Flux objects must not be applied\n');
  });

  it('keeps the bar within the terminal, so that clearing it leaves nothing behind', () => {
    const out = Object.assign(stream(true), { columns: 30 });
    const progress = createProgress(out, { quiet: false, now: () => 0 });
    progress.update({ total: 100, scanned: 50, cached: 0, failed: 0 });
    const bar = out.text.split('\r\u001b[2K').at(-1) ?? '';
    expect(bar).toBe('[############------------] 50');
    expect([...bar].length).toBe(29);
  });

  it('prints nothing when quiet', () => {
    const out = stream(true);
    const progress = createProgress(out, { quiet: true });
    progress.note('x');
    progress.update({ total: 1, scanned: 1, cached: 0, failed: 0 });
    progress.done();
    expect(out.text).toBe('');
  });
});
