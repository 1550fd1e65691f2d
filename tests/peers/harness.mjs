// The peers' harness: starts `gatehouse serve`, reads where it listens from its first line,
// drives its control endpoint, and bounds every wait so a broken peer fails instead of hanging.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Obviously fake; the test gateway accepts exactly this bare token.
export const token = 'test-token-not-real.abc.def';

// Exit code CTest reads as "skipped": the pinned peers are not installed.
const skipped = 77;

function argument(name) {
  const index = process.argv.indexOf(name);
  return index < 0 ? undefined : process.argv[index + 1];
}

// Resolves after `predicate()` holds, polling; rejects naming `what` after `ms`.
export async function waitFor(predicate, what, ms = 15000) {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function check(condition, message) {
  if (!condition) {
    throw new Error(`check failed: ${message}`);
  }
}

// Starts the test gateway with `extraArgs`, and with short timings and generated traffic
// unless a scenario file sets them; returns where it listens and helpers for its control
// endpoint.
export async function startGateway(extraArgs = []) {
  const binary = argument('--gatehouse');
  check(binary && existsSync(binary), 'pass --gatehouse <path to the gatehouse binary>');

  const defaults = extraArgs.includes('--scenario') ? []
    : ['--heartbeat-interval', '1000', '--rate', '25'];
  const args = ['serve', '--token', token, '--log-level', 'warn', ...defaults, ...extraArgs];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });

  // The first line is one JSON object naming the URLs.
  const first = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('gatehouse serve printed nothing')), 10000);
    lines.once('line', (line) => { clearTimeout(timer); resolve(line); });
    child.once('exit', (code) => reject(new Error(`gatehouse serve exited with ${code}`)));
  });
  const info = JSON.parse(first);
  check(info.event === 'listening', `first line is the listening event: ${first}`);

  const control = async (method, path, body) => {
    const response = await fetch(`${info.control}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    check(response.ok, `${method} /control${path} answered ${response.status}`);
    return response.status === 204 ? null : response.json();
  };

  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  };

  // The REST base a discord.js client takes: the gateway's, without the version.
  const api = info.api_base.replace(/\/v10$/, '');
  return { info, api, control, stop };
}

// Runs one peer test: skips when the pinned packages are missing, fails on any error or after
// `ms`, and always stops the gateway it started.
export async function run(name, body, ms = 45000) {
  const here = dirname(fileURLToPath(import.meta.url));
  if (!existsSync(join(here, 'node_modules', 'discord.js'))) {
    console.log(`${name}: skipped, the peers are not installed (scripts/install-peers.sh)`);
    process.exit(skipped);
  }

  const cleanups = [];
  const watchdog = setTimeout(() => {
    console.error(`${name}: failed: no result within ${ms} ms`);
    process.exit(1);
  }, ms);
  try {
    await body((cleanup) => cleanups.push(cleanup));
    console.log(`${name}: passed`);
  } catch (error) {
    console.error(`${name}: failed: ${error.stack ?? error}`);
    process.exitCode = 1;
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch(() => {});
    }
    clearTimeout(watchdog);
  }
  process.exit(process.exitCode ?? 0);
}

// The session the peer opened, from the gateway's report: it identified once, and every
// resume reached the resume listener.
export async function checkResumedSession(control, sessionId) {
  const report = await control('GET', '/report');
  const session = report.sessions.find((s) => s.session_id === sessionId);
  check(session, `the report lists session ${sessionId}`);
  check(session.identifies === 1, `one identify, saw ${session.identifies}`);
  check(session.resumes >= 1, `at least one resume, saw ${session.resumes}`);

  for (const connection of session.connections) {
    const resumes = connection.received_by_opcode['6'] ?? 0;
    const identifies = connection.received_by_opcode['2'] ?? 0;
    check(resumes === 0 || connection.listener === 'resume',
      `op 6 only on the resume listener, saw it on ${connection.listener}`);
    check(identifies === 0 || connection.listener === 'main',
      `op 2 only on the main listener, saw it on ${connection.listener}`);
    check(connection.violations.length === 0,
      `no violations, saw ${JSON.stringify(connection.violations)}`);
  }
  return session;
}
