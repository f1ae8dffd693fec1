import { createCaseRepo, runIsolated } from './src/hostile/check-case.js';
let t = ''; for (let i = 0; i < 160000; i++) t += `---\n{apiVersion: v1, kind: ConfigMap, metadata: {name: c${i}}}\n`;
const repo = await createCaseRepo({ id: 'x', category: '', input: '', diagnostic: 'none', files: { 'apps/bad.yaml': t } });
const s = performance.now();
try { const r = await runIsolated('manifests', repo.root, 60_000); console.log(r.documents, r.diagnostics.slice(0, 3)); } catch (e) { console.log(String(e).slice(0, 1000)); }
console.log(Math.round(performance.now() - s));
