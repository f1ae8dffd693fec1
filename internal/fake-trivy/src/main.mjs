// The stand-in `trivy`: `trivy [global flags] image [flags] IMAGE`, `trivy version`,
// `trivy --version`. Behaviour and environment variables: ../README.md.
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setInterval } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { chooseFault, nextAttempt, parseFaults } from './faults.mjs';
import {
  FlagError,
  GLOBAL_FLAGS,
  IMAGE_FLAGS,
  VERSION_FLAGS,
  applyEnvironment,
  parseFlags,
} from './flags.mjs';
import { findImage, fixturesDir, imageDigest, loadImageMap, renderReport } from './images.mjs';
import { acquireCacheLock } from './lock.mjs';
import { applyConfigFile, readIgnoredIds } from './settings.mjs';
import {
  cacheLockText,
  dbDownloadErrorText,
  fatalLine,
  imageErrorText,
  invalidTokenText,
  panicText,
  skipDbFirstRunText,
  timeoutText,
} from './messages.mjs';

const env = process.env;
const VERSION = env.FAKE_TRIVY_VERSION || '0.74.0';
// The process start (before Node's own start-up), as a Go binary's clock would start.
const started = Math.round(performance.timeOrigin);
// Names (never values) of the TRIVY_* variables the process received, to check passthrough.
const trivyEnv = Object.keys(env)
  .filter((name) => name.startsWith('TRIVY_'))
  .sort();
const record = {
  pid: process.pid,
  argv: process.argv.slice(2),
  trivyEnv,
  cwd: process.cwd(),
  start: started,
};

function numberEnv(name, fallback) {
  const value = env[name];
  return value === undefined || value === '' ? fallback : Number(value);
}

function writeLog(extra) {
  if (!env.FAKE_TRIVY_LOG) return;
  const line = JSON.stringify({ ...record, ...extra, end: Date.now() });
  appendFileSync(env.FAKE_TRIVY_LOG, `${line}\n`);
}

function finish(code, extra = {}) {
  writeLog({ exitCode: code, ...extra });
  process.exitCode = code;
}

// Trivy cancels its context on SIGTERM/SIGINT and exits; record that, so tests can tell a
// killed run from one that never started.
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    writeLog({ exitCode: 143, signal });
    process.exit(143);
  });
}

// With FAKE_TRIVY_LOG_START=1 a `{"phase":"start"}` line is logged as soon as the process can
// take signals, so tests can act on processes that are really running.
if (env.FAKE_TRIVY_LOG && env.FAKE_TRIVY_LOG_START === '1') {
  appendFileSync(
    env.FAKE_TRIVY_LOG,
    `${JSON.stringify({ phase: 'start', pid: process.pid, argv: record.argv, start: started })}\n`,
  );
}

function defaultCacheDir() {
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'trivy');
}

function dbMetadataPath(cacheDir) {
  return join(cacheDir, 'db', 'metadata.json');
}

function readDbMetadata(cacheDir) {
  const path = dbMetadataPath(cacheDir);
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
}

async function downloadDb(cacheDir) {
  await sleep(numberEnv('FAKE_TRIVY_DB_LATENCY_MS', 0));
  if (env.FAKE_TRIVY_DB === 'unavailable') return false;
  const metadata = JSON.parse(
    readFileSync(join(fixturesDir(env), 'version', 'cache-db-metadata.json'), 'utf8'),
  );
  // A fresh download is valid for a while (Trivy only downloads again after NextUpdate).
  const now = Date.now();
  metadata.NextUpdate = new Date(now + 12 * 3_600_000).toISOString();
  metadata.DownloadedAt = new Date(now).toISOString();
  if (env.FAKE_TRIVY_DB_UPDATED_AT) metadata.UpdatedAt = env.FAKE_TRIVY_DB_UPDATED_AT;
  mkdirSync(join(cacheDir, 'db'), { recursive: true });
  // Written to a temp name and renamed, as a real download replaces the DB in one step.
  const tmp = `${dbMetadataPath(cacheDir)}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(metadata)}\n`);
  renameSync(tmp, dbMetadataPath(cacheDir));
  writeFileSync(join(cacheDir, 'db', 'trivy.db'), 'fake trivy-db\n');
  return true;
}

function usage(command) {
  const line = command === 'image' ? 'trivy image [flags] IMAGE_NAME' : 'trivy version [flags]';
  const aliases = command === 'image' ? '\n\nAliases:\n  image, i' : '';
  return `Usage:\n  ${line}${aliases}\n\nUse "trivy ${command} --help" for the list of flags.\n\n`;
}

function runVersion(values) {
  const cacheDir = values['cache-dir'] || defaultCacheDir();
  const db = readDbMetadata(cacheDir);
  const info = { Version: VERSION, ...(db ? { VulnerabilityDB: db } : {}) };
  if (values.format === 'json') {
    process.stdout.write(`${JSON.stringify(info)}\n`);
  } else {
    let text = `Version: ${VERSION}\n`;
    if (db) {
      text += `Vulnerability DB:\n  Version: ${db.Version}\n  UpdatedAt: ${db.UpdatedAt}\n  NextUpdate: ${db.NextUpdate}\n  DownloadedAt: ${db.DownloadedAt}\n`;
    }
    process.stdout.write(text);
  }
  finish(0, { command: 'version' });
}

function failScan(text, code, extra) {
  process.stderr.write(text);
  finish(code, extra);
}

async function runImage(values, positionals) {
  const cacheDir = values['cache-dir'] || defaultCacheDir();
  const server = values.server;
  const backend = values['cache-backend'] || 'fs';
  const image = positionals[0];
  const extra = {
    command: 'image',
    image,
    cacheDir,
    cacheBackend: server ? 'remote' : backend,
    server,
    customHeaders: values['custom-headers'],
  };
  Object.assign(record, extra);

  if (values['download-db-only'] && values['download-java-db-only']) {
    return failScan(
      fatalLine(
        'flag error: --download-db-only and --download-java-db-only options can not be specified both',
      ),
      1,
      extra,
    );
  }
  if (values['download-db-only'] && (values['skip-db-update'] || values['skip-update'])) {
    return failScan(
      fatalLine('flag error: --skip-db-update and --download-db-only options can not be specified both'),
      1,
      extra,
    );
  }
  if (server && !/^https?:\/\//.test(server)) {
    return failScan(
      fatalLine(`flag error: server address must start with http:// or https://: ${server}`),
      1,
      extra,
    );
  }
  if (!values['download-db-only'] && !values['download-java-db-only']) {
    if (positionals.length === 0 && !values.input) {
      process.stdout.write(usage('image'));
      return failScan(fatalLine('Require at least 1 argument or --input option'), 1, extra);
    }
    if (positionals.length > 1) {
      process.stdout.write(usage('image'));
      return failScan(fatalLine('multiple targets cannot be specified'), 1, extra);
    }
  }

  const faults = parseFaults(env.FAKE_TRIVY_FAULTS);
  const stateDir =
    env.FAKE_TRIVY_STATE_DIR || (env.FAKE_TRIVY_LOG ? `${env.FAKE_TRIVY_LOG}.state` : undefined);
  const subject = image ?? (values['download-db-only'] ? '<download-db>' : '<none>');
  const attempt = faults.faults.length > 0 ? nextAttempt(stateDir, subject) : 0;
  const fault =
    faults.faults.length > 0 ? chooseFault(faults, subject, attempt, image !== undefined) : undefined;
  if (fault) extra.fault = fault;

  await sleep(numberEnv('FAKE_TRIVY_START_MS', 0));
  if (fault === 'slow-start') await sleep(numberEnv('FAKE_TRIVY_SLOW_START_MS', 2000));
  if (fault === 'hang') {
    writeLog({ ...extra, hanging: true });
    await new Promise(() => setInterval(() => {}, 60_000));
  }
  if (fault === 'crash') {
    process.stderr.write(panicText());
    return finish(2, extra);
  }

  const timeoutMs = values.timeout ?? 300_000;
  const deadline = started + timeoutMs;

  // The scan cache: fs (locked), memory, redis or the server's (client mode).
  let release;
  if (fault === 'lock') return failScan(cacheLockText(VERSION), 1, extra);
  if (!server && backend === 'fs') {
    release = await acquireCacheLock(cacheDir, numberEnv('FAKE_TRIVY_LOCK_TIMEOUT_MS', 5000));
    if (!release) return failScan(cacheLockText(VERSION), 1, extra);
  }
  try {
    // The vulnerability DB: only standalone mode needs one.
    if (!server) {
      const db = readDbMetadata(cacheDir);
      const hasDb = db !== undefined;
      const stale = !hasDb || !(Date.parse(db.NextUpdate) > Date.now());
      const skip = values['skip-db-update'] || values['skip-update'];
      if (skip && !hasDb && !values['download-java-db-only']) return failScan(skipDbFirstRunText(), 1, extra);
      const needsDownload = values['download-db-only'] || (!skip && stale);
      if (needsDownload) {
        extra.dbDownload = true;
        if (fault === 'db-unavailable' || !(await downloadDb(cacheDir))) {
          return failScan(dbDownloadErrorText(), 1, extra);
        }
      }
      if (values['download-db-only'] || values['download-java-db-only']) return finish(0, extra);
    } else if (values['download-db-only'] || values['download-java-db-only']) {
      return finish(0, extra);
    }
    if (server && env.FAKE_TRIVY_SERVER_TOKEN && values.token !== env.FAKE_TRIVY_SERVER_TOKEN) {
      return failScan(invalidTokenText(), 1, extra);
    }

    const imageMap = loadImageMap(env);
    const entry = findImage(imageMap, image) ?? { error: 'not-found' };
    const latency = entry.latencyMs ?? numberEnv('FAKE_TRIVY_LATENCY_MS', 0);
    const remaining = deadline - Date.now();
    if (fault === 'timeout' || latency > remaining) {
      await sleep(Math.max(0, Math.min(latency, remaining)));
      return failScan(timeoutText(VERSION), 1, extra);
    }
    // The latency is the whole run, counted from process start (Node's own start-up included),
    // so that N scans of latency L take N × L, as with a real scanner.
    await sleep(Math.max(0, latency - (Date.now() - started)));

    const sources = values['image-src'] ?? ['docker', 'containerd', 'podman', 'remote'];
    const errorKind =
      fault &&
      ['rate-limited', 'server-error', 'connection-reset', 'not-found', 'unauthorized', 'denied'].includes(
        fault,
      )
        ? fault
        : entry.error;
    if (errorKind) return failScan(imageErrorText(errorKind, image, sources), 1, extra);

    const ignored = readIgnoredIds(values);
    if (ignored.ignoreFile) extra.ignoreFile = ignored.ignoreFile;
    const report = renderReport(
      entry,
      image,
      {
        version: VERSION,
        severities: values.severity,
        ignoreUnfixed: values['ignore-unfixed'],
        ignoreStatus: values['ignore-status'],
        ignoredIds: ignored.ids,
      },
      env,
    );
    extra.digest = imageDigest(entry, image);
    if (entry.inflateBytes && values.format === 'json' && !values.output) {
      await writeInflated(report, entry.inflateBytes);
      return finish(0, extra);
    }
    let text = `${JSON.stringify(report, null, 2)}\n`;
    if (fault === 'garbage') text = 'panic: not json\x00\x01{{{\n';
    if (fault === 'truncated') text = text.slice(0, Math.floor(text.length / 2));
    if (values.format !== 'json') {
      text = (report.Results ?? [])
        .map((result) => `${result.Target}\nTotal: ${(result.Vulnerabilities ?? []).length}\n`)
        .join('\n');
    }
    if (values.output) writeFileSync(values.output, text);
    else process.stdout.write(text);

    const found = (report.Results ?? []).some((result) => (result.Vulnerabilities ?? []).length > 0);
    return finish(found && values['exit-code'] ? values['exit-code'] : 0, extra);
  } finally {
    release?.();
  }
}

/**
 * A report of about `bytes` bytes: the report's vulnerabilities repeated (with numbered IDs)
 * into its first result, written as they are made and with stdout's back-pressure, as Trivy
 * streams a large report; never one string (Node could not hold 560 MB as one).
 */
async function writeInflated(report, bytes) {
  const results = report.Results ?? [];
  const first = results.find((result) => (result.Vulnerabilities ?? []).length > 0);
  if (!first) throw new Error('inflateBytes needs a report with vulnerabilities');
  const pattern = first.Vulnerabilities;
  const rest = results.filter((result) => result !== first);
  const { Vulnerabilities: _, ...firstHead } = first;
  const head = JSON.stringify({ ...report, Results: undefined }).slice(0, -1);
  const write = (text) =>
    process.stdout.write(text)
      ? Promise.resolve()
      : new Promise((done) => process.stdout.once('drain', done));
  let written = 0;
  const out = async (text) => {
    written += Buffer.byteLength(text);
    await write(text);
  };
  await out(`${head},"Results":[${JSON.stringify(firstHead).slice(0, -1)},"Vulnerabilities":[`);
  let batch = '';
  for (let index = 0; written + batch.length < bytes; index += 1) {
    const vulnerability = pattern[index % pattern.length];
    batch += `${index === 0 ? '' : ','}${JSON.stringify({ ...vulnerability, VulnerabilityID: `${vulnerability.VulnerabilityID}-${index}` })}`;
    if (batch.length > 1 << 20) {
      await out(batch);
      batch = '';
    }
  }
  await out(`${batch}]}${rest.map((result) => `,${JSON.stringify(result)}`).join('')}]}\n`);
}

/** Entry point: parses argv like Trivy's cobra commands and runs `image` or `version`. */
export async function run(argv) {
  // Global flags that take a value may precede the command: find the command word properly.
  let command;
  let index = 0;
  const globalsWithValue = new Set(
    GLOBAL_FLAGS.filter((flag) => flag.type !== 'bool').flatMap((flag) => [
      `--${flag.name}`,
      `-${flag.short ?? '-'}`,
    ]),
  );
  for (; index < argv.length; index += 1) {
    const arg = argv[index];
    if (arg === '--') break;
    if (!arg.startsWith('-')) {
      command = arg;
      break;
    }
    if (globalsWithValue.has(arg) || arg === '-f' || arg === '--format') index += 1;
  }
  const rest = command === undefined ? argv : [...argv.slice(0, index), ...argv.slice(index + 1)];
  const name = command === 'i' ? 'image' : command;
  try {
    if (name === 'image') {
      const specs = [...GLOBAL_FLAGS, ...IMAGE_FLAGS];
      let parsed;
      try {
        parsed = parseFlags(rest, specs);
      } catch (error) {
        if (error instanceof FlagError) process.stdout.write(usage('image'));
        throw error;
      }
      applyEnvironment(parsed.values, specs, env);
      const { configFile } = applyConfigFile(parsed.values, specs, env);
      if (configFile) record.configFile = configFile;
      return await runImage(parsed.values, parsed.positionals);
    }
    if (name === 'version' || name === undefined) {
      const specs = [...GLOBAL_FLAGS, ...VERSION_FLAGS];
      const parsed = parseFlags(rest, specs);
      applyEnvironment(parsed.values, specs, env);
      if (name === 'version' || parsed.values.version) return runVersion(parsed.values);
      process.stdout.write('Usage:\n  trivy [global flags] command [flags] target\n');
      return finish(0, { command: 'help' });
    }
    process.stderr.write(fatalLine(`unknown command "${command}" for "trivy"`));
    return finish(1, { command });
  } catch (error) {
    if (error instanceof FlagError) {
      process.stderr.write(fatalLine(error.message));
      return finish(1, { command: name, flagError: error.message });
    }
    throw error;
  }
}
