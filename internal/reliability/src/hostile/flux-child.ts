// Runs one SDK path on argv[3] and prints the result as JSON: lets a test bound a run that
// might block its thread (a synchronous blow-up cannot be interrupted in-process).
import { loadFluxRepository } from '@sluice/flux-adapter';
import { runFlux, runManifests } from './check-case.js';

const [mode, root] = process.argv.slice(2);
if (root === undefined || !['flux', 'manifests', 'repository'].includes(mode ?? ''))
  throw new Error('usage: flux-child.ts flux|manifests|repository ROOT');
const result =
  mode === 'repository'
    ? await loadFluxRepository(root)
    : await (mode === 'flux' ? runFlux : runManifests)(root);
process.stdout.write(JSON.stringify(result));
