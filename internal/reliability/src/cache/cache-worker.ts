// One of several processes sharing a result cache: scans its images (each spelled two ways)
// twice and prints a summary as JSON. Arguments: CACHE_DIR TRIVY_CACHE_DIR IMAGES_JSON.
// The stand-in's environment (FAKE_TRIVY_IMAGES, FAKE_TRIVY_LOG) comes from the parent.
import { createTrivyRunner } from '@sluice/trivy-runner';
import { FAKE_TRIVY } from '../support/fake-trivy.js';

const [cacheDir, trivyCacheDir, imagesJson] = process.argv.slice(2);
if (cacheDir === undefined || trivyCacheDir === undefined || imagesJson === undefined)
  throw new Error('usage: cache-worker.ts CACHE_DIR TRIVY_CACHE_DIR IMAGES_JSON');
const images = JSON.parse(imagesJson) as string[];
const runner = createTrivyRunner({
  trivyPath: FAKE_TRIVY,
  trivyCacheDir,
  cache: cacheDir,
  concurrency: 4,
  retryDelayMs: 1,
});
const batches = [];
for (let round = 0; round < 2; round += 1) {
  const outcomes = await runner.scan([...images, ...images.map((image) => `docker.io/${image}`)]);
  batches.push(
    outcomes.map((outcome) => ({
      ref: outcome.ref,
      status: outcome.status,
      source: outcome.status === 'ok' ? outcome.source : undefined,
    })),
  );
}
await runner.close();
process.stdout.write(JSON.stringify(batches));
