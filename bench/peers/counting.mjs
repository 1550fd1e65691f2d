// What every Node.js bench peer shares: its command line, the contract's counting rule, the
// measurement from READY to BENCH_DONE, and the one JSON line it ends with.
import { performance } from 'node:perf_hooks';

// Intents the bench stream needs: GUILDS, GUILD_MEMBERS, GUILD_PRESENCES, GUILD_MESSAGES,
// GUILD_MESSAGE_TYPING and MESSAGE_CONTENT (the test gateway enables the privileged ones).
export const bench_intents = 1 | 2 | 256 | 512 | 2048 | 32768;

const usage = 'usage: node <peer>.mjs --api-base http://127.0.0.1:P/api/v10 ' +
  '[--gateway-url ws://127.0.0.1:P] [--compress none|zlib-sync] [--timeout-s S] ' +
  '[--stop-after K]';

// The peer's options. The token comes from DISCORD_TOKEN only, never from the command line.
export function parse_options(argv = process.argv.slice(2)) {
  const options = { compress: 'none', timeout_s: 300 };
  for (let i = 0; i < argv.length; i += 2) {
    const [name, value] = [argv[i], argv[i + 1]];
    if (value === undefined) {
      fail(`missing value for ${name}\n${usage}`);
    }
    if (name === '--api-base') {
      options.api_base = value;
    } else if (name === '--gateway-url') {
      options.gateway_url = value;
    } else if (name === '--compress') {
      options.compress = value;
    } else if (name === '--timeout-s') {
      options.timeout_s = Number(value);
    } else if (name === '--stop-after') {
      // For a stream without the marker (generated traffic): stop after K counted events.
      options.stop_after = Number(value);
    } else {
      fail(`unknown option ${name}\n${usage}`);
    }
  }
  if (!options.api_base) {
    fail(`--api-base is required\n${usage}`);
  }
  if (options.compress !== 'none' && options.compress !== 'zlib-sync') {
    fail(`unknown compression ${options.compress}: none or zlib-sync`);
  }

  options.token = process.env.DISCORD_TOKEN;
  if (!options.token) {
    fail('DISCORD_TOKEN is not set');
  }

  // The libraries take the REST base without its version and ask it where the gateway is.
  options.rest_api = options.api_base.replace(/\/v\d+\/?$/, '');

  return options;
}

export function fail(message) {
  process.stderr.write(`bench peer: ${message}\n`);
  process.exit(1);
}

// Ends the process if the stream never completes, so the harness sees a failed row.
export function arm_watchdog(seconds) {
  const timer = setTimeout(() => fail(`no BENCH_DONE within ${seconds} s`), seconds * 1000);
  timer.unref();
}

// The counting rule: from READY (exclusive) to BENCH_DONE (exclusive), every dispatch the
// library hands over counts, and one field of its parsed `d` is read.
export class event_counter {
  constructor(client, options) {
    this.client = client;
    this.compress = options.compress;
    this.stop_after = options.stop_after ?? Infinity;
    this.events = 0;
    this.touched = 0;  // fields that were present: keeps the reads observable
    this.counting = false;
    this.done = false;
  }

  // Feeds one dispatch; returns true when it is BENCH_DONE.
  on_dispatch(t, d) {
    if (!this.counting) {
      if (t === 'READY') {
        this.start();
      }

      return false;
    }

    if (t === 'BENCH_DONE') {
      this.done = true;

      return true;
    }

    this.events += 1;
    const field = touch(t, d);
    if (field !== undefined && field !== null) {
      this.touched += 1;
    }
    this.done = this.events >= this.stop_after;

    return this.done;
  }

  start() {
    this.counting = true;
    this.wall_ready = performance.now();
    this.cpu_ready = process.cpuUsage();
  }

  // Takes the BENCH_DONE figures; call once the library finished handling the events.
  finish() {
    this.wall_done = performance.now();
    this.cpu_done = process.cpuUsage();
  }

  // The contract's JSON line, with `extra` fields appended.
  report(extra = {}) {
    const cpu_s = (usage) => (usage.user + usage.system) / 1e6;
    const line = {
      client: this.client,
      compress: this.compress === 'zlib-sync' ? 'zlib-stream' : 'none',
      inflater: this.compress === 'zlib-sync' ? 'zlib-sync' : 'none',
      events: this.events,
      touched: this.touched,
      wall_s: round((this.wall_done - this.wall_ready) / 1000),
      cpu_ready_s: round(cpu_s(this.cpu_ready)),
      cpu_done_s: round(cpu_s(this.cpu_done)),
      // maxRSS is in KiB on Linux.
      rss_peak_kib: process.resourceUsage().maxRSS,
      node: process.version,
      ...extra,
    };

    return JSON.stringify(line);
  }
}

// The one field the rule reads per event type.
function touch(t, d) {
  switch (t) {
    case 'MESSAGE_CREATE':
      return d.content;
    case 'TYPING_START':
      return d.user_id;
    case 'PRESENCE_UPDATE':
      return d.status;
    case 'GUILD_CREATE':
      return d.id;
    default:
      return undefined;
  }
}

function round(seconds) {
  return Math.round(seconds * 1e6) / 1e6;
}
