// `pnpm sluice …` in this checkout: the CLI from source. pnpm runs root scripts in the checkout,
// so relative paths are resolved against the folder pnpm was started from (pnpm and npm set
// INIT_CWD), as if `sluice` had been run there. INIT_CWD is only trusted under the `sluice`
// script itself: a value inherited from another script would point somewhere else.
import { runSluiceProcess } from '@sluice/cli';

const fromPnpm = process.env.npm_lifecycle_event === 'sluice' && process.env.INIT_CWD;
await runSluiceProcess({ cwd: fromPnpm || process.cwd() });
