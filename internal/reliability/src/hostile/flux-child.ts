// Runs one SDK path on argv[3] and prints the result as JSON: lets a test bound a run that
// might block its thread (a synchronous blow-up cannot be interrupted in-process).
import { runFlux, runManifests } from './check-case.js';

const [mode, root] = process.argv.slice(2);
if (root === undefined || (mode !== 'flux' && mode !== 'manifests')) throw new Error('usage: flux-child.ts flux|manifests ROOT');
process.stdout.write(JSON.stringify(await (mode === 'flux' ? runFlux : runManifests)(root)));
