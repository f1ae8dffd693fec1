// A comparison process of the whole-process benchmark: Renovate's own `flux` and `kubernetes`
// managers (what Renovate runs to find images in a Flux repository) on every YAML file below a
// folder, from a Renovate installed elsewhere (`npm install renovate@39` in a scratch folder;
// Renovate 40+ needs Node 22). Usage: renovate-managers.mjs RENOVATE_FOLDER CORPUS.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';

const [renovateFolder, corpus] = process.argv.slice(2);
if (!renovateFolder || !corpus) throw new Error('usage: renovate-managers.mjs RENOVATE_FOLDER CORPUS');
// Renovate logs through bunyan; only fatal messages would matter here.
process.env.LOG_LEVEL = 'fatal';
const require = createRequire(join(renovateFolder, 'package.json'));
const { GlobalConfig } = require('renovate/dist/config/global');
const flux = require('renovate/dist/modules/manager/flux/extract');
const kubernetes = require('renovate/dist/modules/manager/kubernetes/extract');
GlobalConfig.set({ localDir: corpus });

const files = [];
const stack = [corpus];
while (stack.length > 0) {
  const folder = stack.pop();
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) stack.push(path);
    else if (entry.isFile() && /\.ya?ml$/.test(entry.name)) files.push(relative(corpus, path));
  }
}
let deps = 0;
// The flux manager reads the files itself (HelmRepositories are linked across files).
for (const result of (await flux.extractAllPackageFiles({}, files)) ?? []) deps += result.deps.length;
for (const file of files) {
  const result = kubernetes.extractPackageFile(readFileSync(join(corpus, file), 'utf8'), file, {});
  deps += result?.deps.length ?? 0;
}
process.stdout.write(`${files.length} files, ${deps} dependencies\n`);
