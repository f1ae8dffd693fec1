#!/usr/bin/env node
import { main } from './main.js';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort(new Error('interrupted (SIGINT)')));
process.once('SIGTERM', () => controller.abort(new Error('terminated (SIGTERM)')));

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
});
process.exitCode = code;
