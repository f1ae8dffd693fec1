import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const packageSource = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

// Tests run against source: every workspace package resolves to its src/index.ts, no build needed.
export default defineConfig({
  resolve: {
    alias: {
      // Subpath exports first: a package's entry below would also match them as a prefix.
      '@sluice/core/files': packageSource('./packages/core/src/files.ts'),
      '@sluice/core/extract': packageSource('./packages/core/src/extract.ts'),
      '@sluice/flux-adapter/images-file': packageSource('./packages/flux-adapter/src/images-file/write.ts'),
      '@sluice/reporters/sanitize-text': packageSource('./packages/reporters/src/sanitize-text.ts'),
      '@sluice/core': packageSource('./packages/core/src/index.ts'),
      '@sluice/trivy-runner': packageSource('./packages/trivy-runner/src/index.ts'),
      '@sluice/flux-adapter': packageSource('./packages/flux-adapter/src/index.ts'),
      '@sluice/reporters': packageSource('./packages/reporters/src/index.ts'),
      '@sluice/cli': packageSource('./packages/cli/src/index.ts'),
      '@sluice/test-utils': packageSource('./internal/test-utils/src/index.ts'),
    },
  },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'internal/*/src/**/*.test.ts',
      'examples/*/**/*.test.ts',
      'distribution/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**'],
    // The JSON results feed .ci/run's closing "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
