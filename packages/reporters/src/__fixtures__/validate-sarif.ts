// Validates SARIF against the official OASIS 2.1.0 schema (draft-04) copied in fixtures/schemas.
import { readFileSync } from 'node:fs';
import AjvModule from 'ajv-draft-04';
import { repoPath } from '@sluice/test-utils';

// A CommonJS module: under NodeNext the default import is `module.exports`, whose `default` is the class.
const Ajv = AjvModule.default;
const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addFormat('uri', { type: 'string', validate: (value: string) => URL.canParse(value) });
ajv.addFormat('uri-reference', {
  type: 'string',
  validate: (value: string) => URL.canParse(value, 'file:///base/') && !/\s/.test(value),
});
ajv.addFormat('date-time', { type: 'string', validate: (value: string) => !Number.isNaN(Date.parse(value)) });
const schema = JSON.parse(readFileSync(repoPath('fixtures/schemas/sarif-schema-2.1.0.json'), 'utf8')) as object;
const validate = ajv.compile(schema);

/** The schema errors of a SARIF document (text or parsed), as readable lines; empty when valid. */
export function sarifSchemaErrors(sarif: string | object): string[] {
  const value: unknown = typeof sarif === 'string' ? JSON.parse(sarif) : sarif;
  if (validate(value)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`);
}
