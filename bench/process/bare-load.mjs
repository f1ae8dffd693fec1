// The baseline process of the whole-process benchmark: read every .yaml/.yml file below a
// folder and parse it with a bare js-yaml loadAll (the very js-yaml build @sluice/core imports),
// nothing else. Prints the number of files and documents.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const corePackage = new URL('../../packages/core/package.json', import.meta.url);
const jsYamlPackage = createRequire(corePackage).resolve('js-yaml/package.json');
const { loadAll } = await import(pathToFileURL(join(dirname(jsYamlPackage), 'dist/js-yaml.mjs')).href);

const root = process.argv[2];
if (!root) throw new Error('usage: bare-load.mjs FOLDER');
let files = 0;
let documents = 0;
const stack = [root];
while (stack.length > 0) {
  const folder = stack.pop();
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) stack.push(path);
    else if (entry.isFile() && /\.ya?ml$/.test(entry.name)) {
      files += 1;
      try {
        documents += loadAll(readFileSync(path, 'utf8')).length;
      } catch {
        // A file js-yaml rejects costs what it cost until the error, as it does for Sluice.
      }
    }
  }
}
process.stdout.write(`${files} files, ${documents} documents\n`);
