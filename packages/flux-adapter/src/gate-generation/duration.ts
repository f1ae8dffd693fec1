import { SluiceError } from '@sluice/core';

const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const UNIT_SECONDS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/**
 * Reads a Flux duration (Go syntax as Flux's CRDs accept it: `90s`, `10m`, `1h30m`) as seconds.
 *
 * @throws {SluiceError} `SLUICE_INVALID_GATE_OPTIONS` when the text is not such a duration.
 */
export function parseFluxDuration(text: string, field: string): number {
  if (!DURATION.test(text)) {
    throw new SluiceError(
      'SLUICE_INVALID_GATE_OPTIONS',
      `${field} "${text}" is not a duration such as 90s, 10m or 1h30m.`,
    );
  }
  let seconds = 0;
  for (const match of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    seconds += Number(match[1]) * (UNIT_SECONDS[match[2] ?? 's'] ?? 1);
  }
  return seconds;
}
