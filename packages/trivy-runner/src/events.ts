import type { ScanError } from '@sluice/core';

/**
 * Progress of a batch, as typed events passed to `onEvent` (the runner never logs). `ref` is
 * the image reference as the caller gave it (the first one, when several share a scan).
 */
export type ScanEvent =
  | { readonly type: 'queued'; readonly ref: string }
  | { readonly type: 'started'; readonly ref: string; readonly attempt: number }
  | { readonly type: 'cached'; readonly ref: string; readonly findings: number }
  | {
      readonly type: 'done';
      readonly ref: string;
      readonly findings: number;
      readonly source: 'scan' | 'cache' | 'report';
      readonly durationMs: number;
    }
  | { readonly type: 'failed'; readonly ref: string; readonly error: ScanError; readonly attempts: number }
  | {
      readonly type: 'retrying';
      readonly ref: string;
      readonly attempt: number;
      readonly delayMs: number;
      readonly error: ScanError;
    }
  | { readonly type: 'db-update'; readonly phase: 'started' | 'done' | 'failed'; readonly message?: string }
  | { readonly type: 'warning'; readonly code: string; readonly message: string };

/** Receives progress events. Exceptions it throws are caught and ignored. */
export type ScanEventHandler = (event: ScanEvent) => void;
