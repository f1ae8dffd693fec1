// `pnpm demo`: scans this example repository with the sluice CLI. With a real `trivy` on PATH
// it scans for real; without one it answers from the recorded Trivy reports in trivy-reports/
// and says so. `--fail-on never`: the demo shows a blocked gate without failing the command.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '@sluice/cli';

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

const args = ['scan', repo, '--fail-on', 'never', ...process.argv.slice(2)];
if (!onPath('trivy')) {
  process.stderr.write(
    `demo: trivy is not on PATH, so this run uses the recorded Trivy reports in ${reports}\n`,
  );
  args.push('--trivy-reports', reports);
}
process.exitCode = await main(args, {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
