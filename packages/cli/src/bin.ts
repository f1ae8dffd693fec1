#!/usr/bin/env node
import { runSluiceProcess } from './run-process.js';

await runSluiceProcess();
