import { defaultMaxListeners, setMaxListeners } from 'node:events';
import type { ScanError } from '@sluice/core';
import type { ScanEvent, ScanEventHandler } from './events.js';
import type { ResolvedRunnerOptions } from './options.js';

/** What one `scan()` call shares between its steps. */
export interface BatchState {
  /** Aborted by the runner's signal, the batch's signal or the batch timeout. */
  readonly signal: AbortSignal;
  /** The error of images a stopped batch did not finish: `aborted`, or `timeout` for the batch timeout. */
  readonly stopError: () => ScanError;
  /** Sends an event to every handler; a throwing handler never breaks the batch. */
  readonly emit: (event: ScanEvent) => void;
  /** Values to redact from every message. */
  readonly secrets: readonly string[];
  /** Cache problems already reported in this batch (one warning per kind). */
  readonly warned: Set<string>;
}

/** Combines the signals and event handlers of the runner and of one batch. */
export function createBatchState(
  options: ResolvedRunnerOptions,
  batch: { readonly signal?: AbortSignal; readonly onEvent?: ScanEventHandler },
  secrets: readonly string[],
): BatchState {
  const callerSignals = [options.signal, batch.signal].filter(
    (signal): signal is AbortSignal => signal !== undefined,
  );
  const timeoutSignal =
    options.batchTimeoutMs !== undefined ? AbortSignal.timeout(options.batchTimeoutMs) : undefined;
  const all = timeoutSignal ? [...callerSignals, timeoutSignal] : callerSignals;
  const signal = all.length > 0 ? AbortSignal.any(all) : new AbortController().signal;
  // Every running scan listens to this signal (to stop its process group, or the sleep before a
  // retry), beside the batch's own listener that clears the queue. Node warns from 11
  // listeners on (MaxListenersExceededWarning) although nothing leaks: the limit follows
  // the concurrency instead, with room to spare.
  setMaxListeners(Math.max(defaultMaxListeners, 2 * options.concurrency + 10), signal);
  const handlers = [options.onEvent, batch.onEvent].filter((handler) => handler !== undefined);
  return {
    signal,
    stopError: () =>
      timeoutSignal?.aborted && !callerSignals.some((caller) => caller.aborted)
        ? { code: 'timeout', message: `The batch did not finish within ${options.batchTimeoutMs} ms.` }
        : { code: 'aborted', message: 'The scan was aborted.' },
    emit: (event) => {
      for (const handler of handlers) {
        try {
          handler(event);
        } catch {
          // A failing event handler must not break the batch.
        }
      }
    },
    secrets,
    warned: new Set(),
  };
}
