// One process of the shared-directory test: writes and reads the same keys as its siblings and
// exits 1 if it ever reads an entry that is not one of the values written.
import { createFsCache } from '../fs-cache.js';

const [directory = '', name = 'writer'] = process.argv.slice(2);
const cache = createFsCache(directory);
const keys = ['a', 'b', 'c', 'd', 'e'].map((letter) => letter.repeat(64));
let bad = 0;
for (let round = 0; round < 60; round += 1) {
  const key = keys[round % keys.length] as string;
  await cache.set(key, {
    ref: `${name}:${round}`,
    findings: [{ id: `CVE-${round}`, severity: 'LOW', package: name, installedVersion: String(round) }],
    scanner: { name: 'trivy' },
    scannedAt: new Date(0).toISOString(),
  });
  const read = await cache.get(keys[(round * 3) % keys.length] as string);
  if (read !== undefined && !/^writer-\d:\d+$/.test(read.ref)) bad += 1;
}
process.exitCode = bad === 0 ? 0 : 1;
