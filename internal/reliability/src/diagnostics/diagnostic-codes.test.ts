import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES, ScanErrorCode } from '@sluice/core';
import { readRepoFile, REPO_ROOT } from '@sluice/test-utils';

/** The rows of the table in docs/diagnostics.md: `| \`code\` | effect | meaning |`. */
async function documentedCodes(): Promise<Map<string, string>> {
  const text = await readRepoFile('docs/diagnostics.md');
  const rows = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\| `([a-z0-9-]+)` \| (unknown|none) \|/.exec(line);
    if (match) rows.set(match[1]!, match[2]!);
  }
  return rows;
}

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== '__fixtures__' && entry.name !== 'dist')
        out.push(...(await sourceFiles(path)));
    } else if (/\.(ts|mjs)$/.test(entry.name) && !/\.test\.ts$|\.cases\.ts$/.test(entry.name)) {
      out.push(path);
    }
  }
  return out;
}

interface Emitted {
  readonly code: string;
  readonly where: string;
}

/** String literals inside an expression (the branches of `a ? 'x' : 'y'` too). */
function literalsIn(node: ts.Node): string[] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  const out: string[] = [];
  node.forEachChild((child) => {
    if (!ts.isTemplateExpression(child)) out.push(...literalsIn(child));
  });
  return out;
}

/**
 * The diagnostic codes a source file emits, read from its syntax: the `code` of every object
 * literal that also has a `severity` (a Diagnostic), and the literal arguments passed for a
 * parameter named `code` of a function declared in the same file (the `report(…, code, …)` helpers).
 */
function emittedCodes(file: string, text: string): Emitted[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: Emitted[] = [];
  const codeParameter = new Map<string, number>();
  const where = (node: ts.Node): string =>
    `${relative(REPO_ROOT, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const collectHelpers = (node: ts.Node): void => {
    const declare = (name: ts.Node | undefined, parameters: ts.NodeArray<ts.ParameterDeclaration>): void => {
      if (!name || !ts.isIdentifier(name)) return;
      const index = parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === 'code');
      if (index !== -1) codeParameter.set(name.text, index);
    };
    if (ts.isFunctionDeclaration(node)) declare(node.name, node.parameters);
    if (
      ts.isVariableDeclaration(node) &&
      node.initializer &&
      (ts.isArrowFunction(node.initializer) || ts.isFunctionExpression(node.initializer))
    )
      declare(node.name, node.initializer.parameters);
    node.forEachChild(collectHelpers);
  };
  collectHelpers(source);
  const visit = (node: ts.Node): void => {
    if (ts.isObjectLiteralExpression(node)) {
      const names = node.properties.map((property) =>
        property.name && ts.isIdentifier(property.name) ? property.name.text : '',
      );
      const code = node.properties.find(
        (property): property is ts.PropertyAssignment =>
          ts.isPropertyAssignment(property) &&
          ts.isIdentifier(property.name) &&
          property.name.text === 'code',
      );
      if (code && names.includes('severity'))
        for (const literal of literalsIn(code.initializer)) out.push({ code: literal, where: where(code) });
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
      const index = codeParameter.get(node.expression.text);
      const argument = index === undefined ? undefined : node.arguments[index];
      if (argument)
        for (const literal of literalsIn(argument)) out.push({ code: literal, where: where(argument) });
    }
    node.forEachChild(visit);
  };
  visit(source);
  return out;
}

describe('diagnostic codes (docs/diagnostics.md and core DIAGNOSTIC_CODES)', () => {
  it('the documented table and the code table list the same codes with the same effects', async () => {
    const documented = await documentedCodes();
    const table = new Map(Object.entries(DIAGNOSTIC_CODES).map(([code, info]) => [code, info.effect]));
    expect(Object.fromEntries([...documented].sort())).toEqual(Object.fromEntries([...table].sort()));
  });

  it('every diagnostic code emitted in the sources is in the table', async () => {
    // The packages are what users run; internal/ holds test stand-ins (fake-trivy speaks Trivy's words).
    const roots = [join(REPO_ROOT, 'packages')];
    const emitted: Emitted[] = [];
    const literals = new Set<string>();
    for (const root of roots) {
      for (const file of await sourceFiles(root)) {
        const text = await readFile(file, 'utf8');
        emitted.push(...emittedCodes(file, text));
        if (!file.endsWith('diagnostic-codes.ts'))
          for (const match of text.matchAll(/'([a-z0-9-]+)'/g)) literals.add(match[1]!);
      }
    }
    // The scan itself must find the codes it is meant to find.
    expect(emitted.length).toBeGreaterThan(60);
    expect(emitted.map((entry) => entry.code)).toEqual(
      expect.arrayContaining(['yaml-syntax', 'remote-resource', 'patch-target-not-found', 'file-too-large']),
    );
    const scanErrors = new Set<string>(ScanErrorCode.options);
    const unlisted = emitted.filter(
      (entry) => !Object.hasOwn(DIAGNOSTIC_CODES, entry.code) && !scanErrors.has(entry.code),
    );
    expect(unlisted).toEqual([]);
    // And no row is stale: every code of the table is written somewhere in the sources (some
    // reach a diagnostic through a variable, which the syntactic scan above does not follow).
    expect(Object.keys(DIAGNOSTIC_CODES).filter((code) => !literals.has(code))).toEqual([]);
  });
});
