import { sanitizeText, wrapWithIndent } from '@sluice/reporters';
import type { TextStream } from './io.js';

/** What the progress display counts. */
export interface ProgressCounts {
  readonly total: number;
  readonly scanned: number;
  readonly cached: number;
  readonly failed: number;
}

/** Shows scan progress on stderr: a live bar on a terminal, plain lines otherwise, nothing when quiet. */
export interface Progress {
  /**
   * A line of information (plain mode prints it; the bar mode prints it above the bar). It may
   * quote image names and scanner or registry messages: it is shown through `sanitizeText`.
   */
  note(message: string): void;
  update(counts: ProgressCounts): void;
  /** Clears the bar for good: later notes are plain lines, and the bar is not drawn again. */
  done(): void;
}

const BAR_WIDTH = 24;

/** Picks the progress display for a stream. */
export function createProgress(
  stream: TextStream,
  options: { quiet: boolean; now?: () => number },
): Progress {
  if (options.quiet) return { note() {}, update() {}, done() {} };
  const now = options.now ?? (() => Date.now());
  return stream.isTTY ? createBar(stream, now) : createLines(stream);
}

function createLines(stream: TextStream): Progress {
  let last = '';
  return {
    note: (message) => stream.write(`${sanitizeText(message, { multiline: true })}\n`),
    update(counts) {
      const finished = counts.scanned + counts.cached + counts.failed;
      const line = `sluice: ${finished}/${counts.total} images (${counts.scanned} scanned, ${counts.cached} cached, ${counts.failed} failed)`;
      // Plain logs get a line per finished image, never a repeat.
      if (line !== last && (finished === counts.total || finished > 0)) stream.write(`${line}\n`);
      last = line;
    },
    done() {},
  };
}

function createBar(stream: TextStream, now: () => number): Progress {
  const started = now();
  let shown = false;
  let finished = false;
  let current: ProgressCounts = { total: 0, scanned: 0, cached: 0, failed: 0 };
  const draw = (): void => {
    const complete = current.scanned + current.cached + current.failed;
    const ratio = current.total === 0 ? 1 : complete / current.total;
    const filled = Math.round(ratio * BAR_WIDTH);
    const elapsed = now() - started;
    const eta =
      complete === 0 || complete === current.total
        ? ''
        : ` ETA ${formatSeconds((elapsed / complete) * (current.total - complete))}`;
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
    const line = `${bar} ${complete}/${current.total} scanned ${current.scanned} cached ${current.cached} failed ${current.failed}${eta}`;
    // A line longer than the terminal wraps, and "\r" then clears only its last row.
    const columns = stream.columns !== undefined && stream.columns > 1 ? stream.columns - 1 : Infinity;
    stream.write(`\r\u001b[2K${[...line].slice(0, columns).join('')}`);
    shown = true;
  };
  const clear = (): void => {
    if (shown) stream.write('\r\u001b[2K');
    shown = false;
  };
  return {
    note(message) {
      clear();
      // On a terminal a long note wraps at a space (continuation lines indented), not mid-word.
      const width = stream.columns !== undefined && stream.columns > 0 ? stream.columns : Infinity;
      const lines = sanitizeText(message, { multiline: true })
        .split('\n')
        .flatMap((line) => wrapWithIndent(line, width, 2));
      stream.write(`${lines.join('\n')}\n`);
      if (!finished && current.total > 0) draw();
    },
    update(counts) {
      current = counts;
      if (!finished) draw();
    },
    done() {
      clear();
      finished = true;
    },
  };
}

function formatSeconds(milliseconds: number): string {
  const seconds = Math.ceil(milliseconds / 1000);
  return seconds >= 60
    ? `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`
    : `${seconds}s`;
}
