import { readFile } from 'node:fs/promises';
import { parseCommandLine } from '@sluice/cli';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}

const workflow = yaml.load(await readFile(new URL('./sluice.yaml', import.meta.url), 'utf8')) as {
  permissions: Record<string, string>;
  jobs: { gate: { steps: Step[] } };
};
const steps = workflow.jobs.gate.steps;

describe('the GitHub Actions example', () => {
  it('runs a sluice command line that the CLI accepts', () => {
    const run = steps.find((step) => step.run?.includes('@sluice/cli scan'))?.run ?? '';
    const words = run.replace(/\\\n/g, ' ').trim().split(/\s+/);
    const argv = words.slice(words.indexOf('@sluice/cli') + 1);
    const parsed = parseCommandLine(argv);
    expect(parsed.command).toBe('scan');
    expect(parsed.values.format).toContain('sarif=sluice.sarif');
  });

  it('gives the registry credentials to the scan step only, and to scans of ghcr.io images only', () => {
    const withCredentials = steps.filter((step) => JSON.stringify(step).includes('TRIVY_PASSWORD'));
    expect(withCredentials.map((step) => step.name)).toEqual(['Scan and gate']);
    expect(
      JSON.stringify({ ...workflow, jobs: { gate: { ...workflow.jobs.gate, steps: [] } } }),
    ).not.toContain('TRIVY_PASSWORD');
    const run = withCredentials[0]?.run ?? '';
    const words = run.replace(/\\\n/g, ' ').trim().split(/\s+/);
    const parsed = parseCommandLine(words.slice(words.indexOf('@sluice/cli') + 1));
    expect(parsed.values['registry-credentials']).toEqual(['ghcr.io']);
  });

  it('uploads the SARIF file the scan writes, even when the gate fails', () => {
    const upload = steps.find((step) => step.uses?.startsWith('github/codeql-action/upload-sarif'));
    expect(upload?.with?.sarif_file).toBe('sluice.sarif');
    expect(upload).toMatchObject({ if: 'always()' });
    expect(workflow.permissions['security-events']).toBe('write');
  });
});
