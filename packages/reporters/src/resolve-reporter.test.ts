import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSluiceError } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSampleReport } from './__fixtures__/sample-report.js';
import { sarifSchemaErrors } from './__fixtures__/validate-sarif.js';
import { BUILTIN_REPORTER_NAMES } from './builtin-reporters.js';
import { reporterPackageNames } from './package-entry.js';
import { renderReports } from './render-reports.js';
import { defineReporter } from './reporter.js';
import { resolveReporter } from './resolve-reporter.js';

let project: string;

function write(path: string, text: string): void {
  mkdirSync(join(project, path, '..'), { recursive: true });
  writeFileSync(join(project, path), text);
}

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'sluice-reporters-'));
  write('package.json', JSON.stringify({ name: 'my-gitops-repo', private: true }));
  write(
    'reporters/count.mjs',
    `export default { name: 'count', fileExtension: '.txt', render: (r) => r.images.length + '\\n' };\n`,
  );
  write(
    'reporters/factory.js',
    `module.exports = (options) => ({ name: 'factory', render: () => JSON.stringify(options) });\n`,
  );
  write('reporters/broken.mjs', 'export default {;\n');
  write(
    'reporters/typed.ts',
    `import type { Reporter } from '@sluice/reporters';\nexport default { name: 'typed', render: () => 'x' } satisfies Reporter;\n`,
  );
  write(
    'node_modules/sluice-reporter-typed/package.json',
    JSON.stringify({ name: 'sluice-reporter-typed', type: 'module', main: 'src/index.mts' }),
  );
  write(
    'node_modules/sluice-reporter-typed/src/index.mts',
    `export default { name: 't', render: () => '' };\n`,
  );
  write('reporters/not-a-reporter.mjs', 'export default 42;\n');
  write(
    'node_modules/sluice-reporter-csvish/package.json',
    JSON.stringify({
      name: 'sluice-reporter-csvish',
      type: 'module',
      exports: { '.': { import: './lib/main.js' } },
    }),
  );
  write(
    'node_modules/sluice-reporter-csvish/lib/main.js',
    `export default () => ({ name: 'csvish', render: () => 'a,b\\n' });\n`,
  );
  write(
    'node_modules/@acme/sluice-reporter/package.json',
    JSON.stringify({ name: '@acme/sluice-reporter', type: 'module', main: 'index.js' }),
  );
  write(
    'node_modules/@acme/sluice-reporter/index.js',
    `export default { name: 'acme', render: () => 'acme' };\n`,
  );
});

afterAll(() => rmSync(project, { recursive: true, force: true }));

async function expectError(promise: Promise<unknown>, code: string): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    expect(isSluiceError(error, code), String(error)).toBe(true);
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('resolveReporter', () => {
  it('resolves every built-in by name and with options', async () => {
    for (const name of BUILTIN_REPORTER_NAMES) expect((await resolveReporter(name)).name).toBe(name);
    const sarif = await resolveReporter(['sarif', { category: 'prod' }]);
    const sarifText = String(await sarif.render(buildSampleReport()));
    expect(sarifText).toContain('"id": "prod/"');
    expect(sarifSchemaErrors(sarifText)).toEqual([]);
  });

  it('rejects bad options of a built-in, naming the option', async () => {
    const error = await expectError(
      resolveReporter(['sarif', { maxResults: -1 }]),
      'SLUICE_REPORTER_INVALID_OPTIONS',
    );
    expect(error.message).toContain('maxResults');
    await expectError(resolveReporter(['json', { colour: true }]), 'SLUICE_REPORTER_INVALID_OPTIONS');
    await expectError(
      resolveReporter(['markdown', { detailsUrl: 'javascript:alert(1)' }]),
      'SLUICE_REPORTER_INVALID_OPTIONS',
    );
    const dot = await resolveReporter(['graph', { format: 'dot' }]);
    expect(dot.fileExtension).toBe('.dot');
  });

  it('accepts a reporter object as is', async () => {
    const reporter = defineReporter({ name: 'inline', render: () => 'x' });
    expect(await resolveReporter(reporter)).toBe(reporter);
    await expectError(resolveReporter({ name: 'no-render' } as never), 'SLUICE_REPORTER_INVALID');
  });

  it('loads a file relative to cwd: a reporter object or a factory (CommonJS too)', async () => {
    const count = await resolveReporter('./reporters/count.mjs', { cwd: project });
    expect(await count.render(buildSampleReport())).toBe('6\n');
    const factory = await resolveReporter(['./reporters/factory.js', { a: 1 }], { cwd: project });
    expect(await factory.render(buildSampleReport())).toBe('{"a":1}');
    const absolute = await resolveReporter(join(project, 'reporters/count.mjs'));
    expect(absolute.name).toBe('count');
  });

  it('loads packages by name, then by the sluice-reporter- convention, scoped too', async () => {
    expect((await resolveReporter('csvish', { cwd: join(project, 'reporters') })).name).toBe('csvish');
    expect((await resolveReporter('sluice-reporter-csvish', { cwd: project })).name).toBe('csvish');
    expect((await resolveReporter('@acme', { cwd: project })).name).toBe('acme');
    expect(reporterPackageNames('csv')).toEqual(['csv', 'sluice-reporter-csv']);
    expect(reporterPackageNames('@acme/csv')).toEqual(['@acme/csv', '@acme/sluice-reporter-csv']);
    expect(reporterPackageNames('@acme')).toEqual(['@acme/sluice-reporter']);
  });

  it('says what it tried when nothing matches', async () => {
    const error = await expectError(resolveReporter('nope', { cwd: project }), 'SLUICE_REPORTER_NOT_FOUND');
    expect(error.message).toContain('built-in reporter (');
    expect(error.message).toContain('"nope" (not installed)');
    expect(error.message).toContain('"sluice-reporter-nope" (not installed)');
    expect(error.message).toContain(join(project, 'node_modules'));
    const missing = await expectError(
      resolveReporter('./missing.js', { cwd: project }),
      'SLUICE_REPORTER_NOT_FOUND',
    );
    expect(missing.message).toContain(join(project, 'missing.js'));
  });

  it('reports a module that fails to load or exports no reporter, with the cause', async () => {
    const broken = await expectError(
      resolveReporter('./reporters/broken.mjs', { cwd: project }),
      'SLUICE_REPORTER_LOAD_FAILED',
    );
    expect(broken.cause).toBeInstanceOf(Error);
    await expectError(
      resolveReporter('./reporters/not-a-reporter.mjs', { cwd: project }),
      'SLUICE_REPORTER_INVALID',
    );
  });
});

describe('a reporter written in TypeScript', () => {
  it('is refused before Node tries to load it, with how to compile it', async () => {
    for (const name of ['./reporters/typed.ts', 'reporters/typed.ts', join(project, 'reporters/typed.ts')]) {
      const error = await expectError(resolveReporter(name, { cwd: project }), 'SLUICE_REPORTER_TYPESCRIPT');
      expect(error.message).toContain(
        `Reporter "${name}" is TypeScript (${join(project, 'reporters/typed.ts')})`,
      );
      expect(error.message).toContain('reporters are JavaScript modules');
      expect(error.message).toContain('Compile it first');
    }
  });

  it('is refused from a package whose entry is TypeScript', async () => {
    const error = await expectError(resolveReporter('typed', { cwd: project }), 'SLUICE_REPORTER_TYPESCRIPT');
    expect(error.message).toContain('src/index.mts');
  });
});

describe('renderReports', () => {
  it('renders several reporters in order, each with its file extension', async () => {
    const rendered = await renderReports(
      buildSampleReport(),
      ['json', ['sarif', { indent: 0 }], './reporters/count.mjs'],
      {
        cwd: project,
      },
    );
    expect(rendered.map((entry) => [entry.reporter.name, entry.fileExtension])).toEqual([
      ['json', '.json'],
      ['sarif', '.sarif'],
      ['count', '.txt'],
    ]);
    expect(rendered[2]!.output).toBe('6\n');
    expect(sarifSchemaErrors(String(rendered[1]!.output))).toEqual([]);
  });

  it('wraps a failing reporter and rejects a non-text output', async () => {
    const throwing = defineReporter({
      name: 'throws',
      render: () => {
        throw new Error('boom');
      },
    });
    const error = await expectError(
      renderReports(buildSampleReport(), [throwing]),
      'SLUICE_REPORTER_RENDER_FAILED',
    );
    expect((error.cause as Error).message).toBe('boom');
    const wrong = defineReporter({ name: 'wrong', render: () => 42 as never });
    await expectError(renderReports(buildSampleReport(), [wrong]), 'SLUICE_REPORTER_RENDER_FAILED');
  });
});
