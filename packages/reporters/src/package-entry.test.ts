import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPackageEntry } from './package-entry.js';

let root: string;

function writePackage(name: string, manifest: Record<string, unknown>): string {
  const directory = join(root, 'node_modules', ...name.split('/'));
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'package.json'), JSON.stringify({ name, ...manifest }));
  return directory;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'sluice-entry-'));
  mkdirSync(join(root, 'project', 'deep'), { recursive: true });
  writeFileSync(
    join(root, 'project', 'package.json'),
    JSON.stringify({ name: 'self-pkg', exports: './self.js' }),
  );
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('findPackageEntry', () => {
  it('follows exports conditions the way an ESM import does', () => {
    const nested = writePackage('nested', {
      exports: {
        '.': { require: './c.cjs', import: { types: './t.d.ts', node: './n.mjs' } },
        './x': './x.js',
      },
    });
    expect(findPackageEntry('nested', join(root, 'project', 'deep')).entry).toBe(join(nested, 'n.mjs'));
    const sugar = writePackage('sugar', { exports: { import: './i.js', default: './d.js' } });
    expect(findPackageEntry('sugar', root).entry).toBe(join(sugar, 'i.js'));
    const array = writePackage('array', { exports: [{ worker: './w.js' }, './a.js'] });
    expect(findPackageEntry('array', root).entry).toBe(join(array, 'a.js'));
  });

  it('falls back to main, then index.js; finds scoped packages and the enclosing package', () => {
    const main = writePackage('with-main', { main: 'lib/main.js' });
    expect(findPackageEntry('with-main', root).entry).toBe(join(main, 'lib', 'main.js'));
    const bare = writePackage('@scope/bare', {});
    expect(findPackageEntry('@scope/bare', root).entry).toBe(join(bare, 'index.js'));
    expect(findPackageEntry('self-pkg', join(root, 'project', 'deep')).entry).toBe(
      join(root, 'project', 'self.js'),
    );
  });

  it('reports every node_modules it searched when the package is missing', () => {
    const lookup = findPackageEntry('missing', join(root, 'project', 'deep'));
    expect(lookup.entry).toBeUndefined();
    expect(lookup.searched.slice(0, 3)).toEqual([
      join(root, 'project', 'deep', 'node_modules'),
      join(root, 'project', 'node_modules'),
      join(root, 'node_modules'),
    ]);
  });
});
