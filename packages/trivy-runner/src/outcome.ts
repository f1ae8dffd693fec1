import type { Finding, ScanError, ScannerInfo } from '@sluice/core';

/** The result for one unique image: its findings, or a classified error. */
export type ImageScanOutcome =
  | {
      /** The image reference as the caller gave it. */
      readonly ref: string;
      readonly status: 'ok';
      readonly findings: readonly Finding[];
      /** A fresh scan, the result cache, or an existing Trivy report. */
      readonly source: 'scan' | 'cache' | 'report';
      /** The image digest (`sha256:…`), when known. */
      readonly digest?: string;
      /** The scanner and DB that produced the findings, when known. */
      readonly scanner?: ScannerInfo;
    }
  | {
      readonly ref: string;
      readonly status: 'error';
      readonly error: ScanError;
      /** How many Trivy runs were tried (0 when none could start). */
      readonly attempts: number;
    };
