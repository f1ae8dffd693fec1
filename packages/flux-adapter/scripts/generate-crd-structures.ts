// Writes src/schemas/crd-structures.json: the spec schema of every Flux CRD version Sluice reads,
// reduced to what the API server checks, from the CRDs in fixtures/flux-crds.
// Run: pnpm --filter @sluice/flux-adapter run generate:crds
import { writeFileSync } from 'node:fs';
import { buildCrdStructures, formatCrdStructures } from './crd-structures.js';

const target = new URL('../src/schemas/crd-structures.json', import.meta.url);
writeFileSync(
  target,
  formatCrdStructures(await buildCrdStructures(new URL('../../../fixtures/flux-crds/', import.meta.url))),
);
process.stdout.write(`wrote ${target.pathname}\n`);
