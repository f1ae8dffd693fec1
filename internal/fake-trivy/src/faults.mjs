// Fault injection for reliability tests. FAKE_TRIVY_FAULTS is either JSON
//   {"seed": 1, "faults": [{"kind": "crash", "rate": 0.2, "match": "regex", "attempts": 1}]}
// or the compact form
//   crash@0.2,hang@0.05,garbage@0.1;seed=7;attempts=1;match=^registry\.example\.com/
// `rate` (default 1) is the share of invocations that get the fault; `attempts` limits the
// fault to the first N invocations of each image (so retries can succeed); `match` limits it to
// images matching a regular expression. The choice is a pure function of seed, image and the
// image's attempt number, so a run is reproducible.
import { createHash } from 'node:crypto';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';

/** Every fault kind the stand-in can inject. */
export const FAULT_KINDS = [
  'crash',
  'hang',
  'garbage',
  'truncated',
  'rate-limited',
  'server-error',
  'connection-reset',
  'not-found',
  'unauthorized',
  'denied',
  'lock',
  'db-unavailable',
  'timeout',
  'slow-start',
];

/** Parses FAKE_TRIVY_FAULTS; throws on an unknown kind so that a typo never passes silently. */
export function parseFaults(text) {
  if (!text) return { seed: 0, faults: [] };
  let spec;
  if (text.trim().startsWith('{')) {
    spec = JSON.parse(text);
  } else {
    const [list, ...settings] = text.split(';');
    const shared = Object.fromEntries(settings.map((part) => part.split(/=(.*)/s).slice(0, 2)));
    spec = {
      seed: Number(shared.seed ?? 0),
      faults: list
        .split(',')
        .filter(Boolean)
        .map((item) => {
          const [kind, rate] = item.split('@');
          return {
            kind: kind.trim(),
            rate: rate === undefined ? 1 : Number(rate),
            ...(shared.attempts ? { attempts: Number(shared.attempts) } : {}),
            ...(shared.match ? { match: shared.match } : {}),
          };
        }),
    };
  }
  for (const fault of spec.faults ?? []) {
    if (!FAULT_KINDS.includes(fault.kind)) {
      throw new Error(`FAKE_TRIVY_FAULTS: unknown fault "${fault.kind}" (known: ${FAULT_KINDS.join(', ')})`);
    }
  }
  return { seed: Number(spec.seed ?? 0), faults: spec.faults ?? [] };
}

/**
 * The 0-based attempt number of this invocation for an image, counted with exclusive file
 * creation in the state dir (atomic across processes); 0 when there is no state dir.
 */
export function nextAttempt(stateDir, image) {
  if (!stateDir) return 0;
  mkdirSync(stateDir, { recursive: true });
  const key = createHash('sha256').update(image).digest('hex').slice(0, 16);
  for (let attempt = 0; ; attempt += 1) {
    try {
      closeSync(openSync(join(stateDir, `${key}.${attempt}`), 'wx'));
      return attempt;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
  }
}

/**
 * The fault for this invocation, or undefined. Invocations that scan no image (the DB download)
 * only get faults whose `match` names them (`<download-db>`).
 */
export function chooseFault(spec, image, attempt, isScan = true) {
  const hash = createHash('sha256').update(`${spec.seed}\0${image}\0${attempt}`).digest();
  const roll = hash.readUInt32BE(0) / 2 ** 32;
  let cumulative = 0;
  for (const fault of spec.faults) {
    if (!isScan && !fault.match) continue;
    if (fault.match && !new RegExp(fault.match).test(image)) continue;
    if (fault.attempts !== undefined && attempt >= fault.attempts) continue;
    cumulative += fault.rate ?? 1;
    if (roll < cumulative) return fault.kind;
  }
  return undefined;
}
