// The config file's schema, apart from config.ts so that a run without a config file does not
// build it (nor load zod and the SDK's policy schema): `loadConfig` imports it when it reads a file.
import { PolicyConfig } from '@sluice/core';
import * as z from 'zod';

const Duration = z
  .string()
  .regex(/^(\d+h)?(\d+m)?(\d+(\.\d+)?s)?$|^\d+ms$/, 'expected a duration such as 90s, 5m or 1h30m');

/** A reporter in the config file: a name, a path or package, or `[name, options]`. */
export const ReporterEntryConfig = z.union([
  z.string(),
  z.tuple([z.string(), z.record(z.string(), z.unknown())]),
]);

/**
 * `sluice.config.json` / `sluice.config.yaml`: the policy (`severity`, `ignoreUnfixed`,
 * `onScanError`, `ignores`, `overrides`, as in core's PolicyConfig) and the same settings as the
 * command-line options, in camelCase. Command-line options win over the file.
 */
export const SluiceConfig = z.strictObject({
  ...PolicyConfig.shape,
  ignorefile: z.string().optional(),
  timeout: Duration.optional(),
  server: z.url().optional(),
  tokenHeader: z.string().optional(),
  customHeaders: z.array(z.string().regex(/^[^:\s]+:.*$/, 'expected KEY:VALUE')).optional(),
  cacheDir: z.string().optional(),
  cache: z.union([z.string(), z.literal(false)]).optional(),
  skipDbUpdate: z.boolean().optional(),
  dbRepository: z.array(z.string().min(1)).optional(),
  javaDbRepository: z.array(z.string().min(1)).optional(),
  concurrency: z.number().int().positive().max(256).optional(),
  trivyPath: z.string().optional(),
  trivyReports: z.string().optional(),
  sources: z.record(z.string(), z.string()).optional(),
  helmPath: z.string().optional(),
  chartMirrors: z.array(z.string().regex(/^[^=\s]+=[^=\s]+$/, 'expected FROM=TO')).optional(),
  offline: z.boolean().optional(),
  remoteBases: z.enum(['unknown', 'fetch', 'fetch-unpinned']).optional(),
  gitMirrors: z.array(z.string().regex(/^[^=\s]+=[^=\s]+$/, 'expected FROM=TO')).optional(),
  render: z.boolean().optional(),
  kubeVersion: z
    .string()
    .regex(/^v?\d+\.\d+(\.\d+)?$/, 'expected a version such as 1.33.0')
    .optional(),
  ignore: z.array(z.string()).optional(),
  failOn: z.enum(['blocked', 'never']).optional(),
  registryCredentials: z.array(z.string()).optional(),
  maxReportSize: z.union([z.string(), z.number().int().positive()]).optional(),
  formats: z.array(z.string()).optional(),
  reporters: z.array(ReporterEntryConfig).optional(),
});
/** The validated config file. */
export type SluiceConfig = z.infer<typeof SluiceConfig>;
