#!/usr/bin/env python3
"""The benchmark harness: every client on the same bench stream from `gatehouse serve`, the
decode limit, idle memory per shard and the op 7 to RESUMED time, in one run; writes
results.csv (raw figures), RESULTS.md (the tables and targets) and chart.svg.

Figures that are compared are taken in the same run and compared as ratios, because the
machines this runs on are shared and noisy; every figure is given as min/median/max over runs.
"""

import argparse
import csv
import json
import os
import platform
import resource
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import chart
import report

ROOT = Path(__file__).resolve().parent.parent
PEERS = ROOT / "bench" / "peers"

# Obviously fake; `gatehouse serve` accepts exactly this token by default.
TOKEN = "test-token-not-real.abc.def"

COMPRESSIONS = ["none", "zlib-stream", "zstd-stream"]

GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None

# Node has no zstd in node:zlib (v20), so the peers run plain and zlib-stream only.
PEER_COMPRESSIONS = ["none", "zlib-stream"]

CSV_FIELDS = [
    "run", "measurement", "client", "compress", "shards", "status", "events", "expected",
    "wall_s", "cpu_s", "events_per_cpu_s", "proc_wall_s", "proc_cpu_s", "rss_peak_kib",
    "gateway_events", "gateway_bytes", "gateway_s", "gateway_events_per_s", "per_shard_kib",
    "median_ms", "p99_ms", "max_ms", "note",
]


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, help="dispatches in the stream (200000)")
    parser.add_argument("--runs", type=int, help="runs of every measurement (3)")
    parser.add_argument("--guilds", type=int, default=3, help="guilds in the world")
    parser.add_argument("--seed", type=int, default=1, help="seed of the world and the stream")
    parser.add_argument("--idle-shards", help="shard counts, comma-separated (1,100,1000)")
    parser.add_argument("--reconnects", type=int, help="op 7 round trips per run (1000)")
    parser.add_argument("--build", default=str(ROOT / "build"), help="the CMake build directory")
    parser.add_argument("--out", help="where the results go (default: bench/, --quick: bench/out/)")
    parser.add_argument("--timeout", type=float, default=180, help="seconds per measuring program")
    parser.add_argument("--no-profile", dest="profile", action="store_false",
                        help="skip the perf profile of gatehouse's hot path")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 20000 events, 1 run, 1 and 10 idle shards, 50 reconnects")
    args = parser.parse_args()

    # Defaults, or the smoke run's, for what the command line left out.
    defaults = ((20000, 1, "1,10", 50) if args.quick else (200000, 3, "1,100,1000", 1000))
    for name, value in zip(("events", "runs", "idle_shards", "reconnects"), defaults):
        if getattr(args, name) is None:
            setattr(args, name, value)
    args.idle_shards = [int(k) for k in args.idle_shards.split(",")]
    args.build = Path(args.build)
    args.out = Path(args.out) if args.out else ROOT / "bench" / ("out" if args.quick else "")
    args.logs = ROOT / "bench" / "out" / "logs"
    args.gatehouse = args.build / "src" / "cli" / "gatehouse"
    args.decode_limit = args.build / "bench" / "decode_limit"

    return args


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class gateway:
    """One `gatehouse serve`, from its first line (where it listens) to SIGTERM."""

    def __init__(self, args, name, extra):
        argv = [str(args.gatehouse), "serve", "--log-level", "warn", "--seed", str(args.seed),
                "--guilds", str(args.guilds), "--identify-window", "0",
                "--session-starts", "1000000", *extra]
        self.stderr = open(args.logs / f"serve-{name}.log", "w")
        self.process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self.stderr,
                                        stdin=subprocess.DEVNULL)

        # The bench mode renders and compresses the stream before it prints this line.
        ready, _, _ = select.select([self.process.stdout], [], [], 120)
        line = self.process.stdout.readline() if ready else b""
        if not line:
            self.stop()
            raise RuntimeError(f"gatehouse serve ({name}) printed nothing; see {self.stderr.name}")
        self.info = json.loads(line)
        self.seen_sessions = set()

    def report(self):
        with urllib.request.urlopen(self.info["control"] + "/report", timeout=30) as response:
            return json.load(response)

    def new_bench_sessions(self):
        """The bench figures of sessions that appeared since the last call."""
        found = []
        for session in self.report().get("sessions", []):
            key = session.get("session_id")
            if key in self.seen_sessions:
                continue
            self.seen_sessions.add(key)

            # The session's figures, or those of the connection that carried the stream.
            records = [session.get("bench")]
            records += [c.get("bench") for c in session.get("connections", [])]
            records = [r for r in records if r]
            if records:
                found.append(records[0])

        return found

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.stderr.close()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.stop()


def run_measured(argv, log_name, args, timeout):
    """Runs one measuring program with the token in its environment; returns its exit code, its
    last stdout line as JSON (or None), and the whole process's wall, CPU and peak RSS."""
    environment = dict(os.environ, DISCORD_TOKEN=TOKEN)
    out_path = args.logs / f"{log_name}.out"
    err_path = args.logs / f"{log_name}.err"
    usage_path = args.logs / f"{log_name}.rusage"

    # Linux carries a process's peak RSS over its exec, so a program forked from this harness
    # would report at least the harness's own: GNU time forks it from a small process and
    # gives its peak RSS. The CPU comes from wait4 (the launcher's own, including its child's,
    # to the microsecond).
    launcher = [GNU_TIME, "-f", "%M", "-o", usage_path] if GNU_TIME else []
    with open(out_path, "w") as out, open(err_path, "w") as err:
        started = time.monotonic()
        process = subprocess.Popen([str(a) for a in launcher + argv], stdout=out, stderr=err,
                                   stdin=subprocess.DEVNULL, env=environment, cwd=ROOT,
                                   start_new_session=True)

        # A program that hangs is killed, with the launcher, and its row fails.
        timer = threading.Timer(timeout, os.killpg, (process.pid, signal.SIGKILL))
        timer.start()
        _, status, usage = os.wait4(process.pid, 0)
        timer.cancel()
        wall = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)

    measured = {
        "code": process.returncode,
        "result": last_json_line(out_path),
        "proc_wall_s": wall,
        "proc_cpu_s": usage.ru_utime + usage.ru_stime,
        "rss_peak_kib": usage.ru_maxrss,  # KiB on Linux
    }
    if GNU_TIME and usage_path.exists():
        figures = usage_path.read_text().strip().splitlines()
        if figures and figures[-1].isdigit():
            measured["rss_peak_kib"] = int(figures[-1])
    if process.returncode != 0 or measured["result"] is None:
        tail = err_path.read_text().strip().splitlines()[-3:]
        measured["note"] = f"exit {process.returncode}: " + " | ".join(tail)

    return measured


def last_json_line(path):
    lines = path.read_text().strip().splitlines()
    try:
        return json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        return None


def throughput_clients(args, info):
    """Every client of the throughput measurement: (client, compress, argv)."""
    gatehouse = args.gatehouse
    url = info["gateway_url"]
    clients = []
    for compress in COMPRESSIONS:
        clients.append(("gatehouse", compress, [gatehouse, "bench", "client", "--compress",
                                                compress, "--gateway-url", url]))
        clients.append(("sink", compress, [gatehouse, "bench", "sink", "--compress", compress,
                                           "--events", args.events, "--guilds", args.guilds,
                                           "--gateway-url", url]))
    for role, client in [("ws", "discordjs-ws"), ("client", "discordjs-client")]:
        for compress in PEER_COMPRESSIONS:
            inflater = "zlib-sync" if compress == "zlib-stream" else "none"
            clients.append((client, compress, ["node", PEERS / f"{role}.mjs", "--api-base",
                                               info["api_base"], "--gateway-url", url,
                                               "--compress", inflater]))

    return clients


def measure_throughput(args, run, serve, clients):
    rows = []
    expected = args.guilds + args.events
    for client, compress, argv in clients:
        log(f"run {run}: {client} {compress}")
        m = run_measured(argv, f"run{run}-{client}-{compress}", args, args.timeout)
        result = m["result"] or {}
        row = {"run": run, "measurement": "throughput", "client": client, "compress": compress,
               "expected": expected, "proc_wall_s": m["proc_wall_s"],
               "proc_cpu_s": m["proc_cpu_s"], "rss_peak_kib": m["rss_peak_kib"],
               "note": m.get("note", ""), "result": result}

        if client == "sink":
            # The cheapest reader: its rate is the gateway's send rate.
            row["measurement"] = "sink"
            row["events"] = result.get("messages")
            row["expected"] = args.guilds + args.events + 1  # after READY, BENCH_DONE included
            row["wall_s"] = result.get("wall_s")
            row["gateway_bytes"] = result.get("bytes")
        else:
            row["events"] = result.get("events")
            row["wall_s"] = result.get("wall_s")
            if "cpu_done_s" in result:
                row["cpu_s"] = result["cpu_done_s"] - result["cpu_ready_s"]
                if row["cpu_s"] > 0:
                    row["events_per_cpu_s"] = (row["events"] or 0) / row["cpu_s"]

        # The gateway's own figures for the session this client opened.
        sessions = serve.new_bench_sessions()
        if len(sessions) == 1:
            bench = sessions[0]
            row["gateway_events"] = bench.get("events")
            row["gateway_bytes"] = bench.get("bytes", row.get("gateway_bytes"))
            row["gateway_s"] = bench.get("seconds")
            if bench.get("seconds"):
                row["gateway_events_per_s"] = bench["events"] / bench["seconds"]

        ok = m["code"] == 0 and row.get("events") == row["expected"]
        row["status"] = "ok" if ok else "failed"
        if not ok and not row["note"]:
            row["note"] = f"counted {row.get('events')} of {row['expected']}"
        rows.append(row)

    return rows


def measure_decode_limit(args, run):
    log(f"run {run}: decode_limit")
    if not args.decode_limit.exists():
        return [{"run": run, "measurement": "decode_limit", "status": "failed",
                 "note": f"{args.decode_limit} is missing"}]
    environment = dict(os.environ, GATEHOUSE_BENCH_EVENTS=str(args.events))
    completed = subprocess.run([str(args.decode_limit), "--benchmark_format=json"],
                               capture_output=True, text=True, env=environment,
                               timeout=args.timeout * 2)
    (args.logs / f"run{run}-decode_limit.json").write_text(completed.stdout)
    (args.logs / f"run{run}-decode_limit.err").write_text(completed.stderr)
    if completed.returncode != 0:
        return [{"run": run, "measurement": "decode_limit", "status": "failed",
                 "note": f"exit {completed.returncode}"}]

    rows = []
    for benchmark in json.loads(completed.stdout).get("benchmarks", []):
        # Names are "<path>/<compression>": reference (simdjson on-demand) or gatehouse.
        path, _, compress = benchmark["name"].partition("/")
        failed = benchmark.get("error_occurred", False)
        rows.append({"run": run, "measurement": "decode_limit", "client": path,
                     "compress": compress.split("/")[0], "status": "failed" if failed else "ok",
                     "events_per_cpu_s": benchmark.get("items_per_second"),
                     "note": benchmark.get("error_message", "")})

    return rows


def measure_idle(args, run):
    rows = []
    for shards in args.idle_shards:
        for compress in COMPRESSIONS:
            log(f"run {run}: idle {shards} shards {compress}")
            extra = ["--max-concurrency", "1000", "--shards", str(shards)]
            with gateway(args, f"run{run}-idle-{shards}-{compress}", extra) as serve:
                m = run_measured([args.gatehouse, "bench", "idle", "--shards", shards,
                                  "--compress", compress, "--gateway-url",
                                  serve.info["gateway_url"]],
                                 f"run{run}-idle-{shards}-{compress}", args, args.timeout)
            result = m["result"] or {}
            ok = m["code"] == 0 and result.get("per_shard_kib") is not None
            rows.append({"run": run, "measurement": "idle", "client": "gatehouse",
                         "compress": compress, "shards": shards,
                         "status": "ok" if ok else "failed",
                         "per_shard_kib": result.get("per_shard_kib"),
                         "rss_peak_kib": m["rss_peak_kib"], "proc_wall_s": m["proc_wall_s"],
                         "proc_cpu_s": m["proc_cpu_s"], "note": m.get("note", "")})

    return rows


def measure_reconnect(args, run):
    log(f"run {run}: reconnect x{args.reconnects}")
    with gateway(args, f"run{run}-reconnect", []) as serve:
        m = run_measured([args.gatehouse, "bench", "reconnect", "--gateway-url",
                          serve.info["gateway_url"], "--api-base",
                          serve.info["api_base"], "--control", serve.info["control"],
                          "--count", args.reconnects],
                         f"run{run}-reconnect", args, args.timeout)
    result = m["result"] or {}
    ok = m["code"] == 0 and result.get("count") == args.reconnects

    return [{"run": run, "measurement": "reconnect", "client": "gatehouse",
             "status": "ok" if ok else "failed", "events": result.get("count"),
             "expected": args.reconnects, "median_ms": result.get("median_ms"),
             "p99_ms": result.get("p99_ms"), "max_ms": result.get("max_ms"),
             "proc_wall_s": m["proc_wall_s"], "note": m.get("note", "")}]


def profile_hot_path(args, serve):
    """perf's top symbols of `gatehouse bench client` on the stream, per compression:
    [(compress, [(percent, object, symbol)])]. Empty without perf."""
    perf = shutil.which("perf")
    if not perf or not args.profile:
        return []

    profiles = []
    environment = dict(os.environ, DISCORD_TOKEN=TOKEN)
    for compress in COMPRESSIONS:
        log(f"profile: gatehouse {compress}")
        data = args.logs / f"perf-{compress}.data"
        recorded = subprocess.run(
            [perf, "record", "-F", "999", "-g", "-o", str(data), "--",
             str(args.gatehouse), "bench", "client", "--compress", compress,
             "--gateway-url", serve.info["gateway_url"]],
            capture_output=True, text=True, env=environment, timeout=args.timeout)
        if recorded.returncode != 0:
            continue
        report_text = command_output([perf, "report", "-i", str(data), "--stdio",
                                      "--no-children", "-g", "none", "--percent-limit",
                                      "2", "--sort", "dso,sym"])
        top = []
        for line in report_text.splitlines():
            fields = line.split(None, 3)
            if len(fields) == 4 and fields[0].endswith("%") and not line.startswith("#"):
                top.append((float(fields[0][:-1]), fields[1], fields[3]))
        profiles.append((compress, top[:12]))

    return profiles


def rotated(items, run, runs):
    """The clients in a different order each run, so slow drift favours none of them."""
    shift = (run * len(items) // max(runs, 1)) % len(items)

    return items[shift:] + items[:shift]


def command_output(argv, cwd=None):
    try:
        completed = subprocess.run(argv, capture_output=True, text=True, timeout=30, cwd=cwd)
        return completed.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine():
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]

    return {"cpu": model, "cores": os.cpu_count(), "kernel": platform.release(),
            "memory_gib": round(int(memory) / 1024 / 1024, 1)}


def versions(args):
    def package(name):
        return command_output(["dpkg-query", "-W", "-f=${Version}", name]) or "unknown"

    commit = command_output(["git", "-C", str(ROOT), "rev-parse", "--short=12", "HEAD"])
    if command_output(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"]):
        commit += " (with uncommitted changes)"
    lock = json.loads((PEERS / "package-lock.json").read_text())["packages"]
    zlib_sync_zlib = command_output(["node", "-e", "console.log(require('zlib-sync').ZLIB_VERSION)"],
                                    cwd=PEERS)
    boost = "unknown"
    for line in Path("/usr/include/boost/version.hpp").read_text().splitlines():
        if line.startswith("#define BOOST_LIB_VERSION"):
            boost = line.split('"')[1].replace("_", ".")

    return {
        "gatehouse": commit,
        "g++": command_output(["g++", "--version"]).splitlines()[0],
        "node": command_output(["node", "--version"]),
        "@discordjs/ws": lock["node_modules/@discordjs/ws"]["version"],
        "discord.js": lock["node_modules/discord.js"]["version"],
        "zlib-sync": (f"{lock['node_modules/zlib-sync']['version']} "
                      f"(its bundled zlib {zlib_sync_zlib})"),
        "ws": lock["node_modules/ws"]["version"],
        "zlib": package("zlib1g-dev"),
        "zstd": package("libzstd-dev"),
        "simdjson": package("libsimdjson-dev"),
        "Boost": boost,
        "Google Benchmark": package("libbenchmark-dev"),
    }


def write_csv(path, rows):
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_FIELDS, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: fmt_csv(row.get(k)) for k in CSV_FIELDS})


def fmt_csv(value):
    if isinstance(value, float):
        return f"{value:.6g}"

    return "" if value is None else value


def main():
    args = parse_arguments()
    if not args.gatehouse.exists():
        sys.exit(f"run.py: {args.gatehouse} is missing: build first (make bench builds it)")
    args.out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(args.logs, ignore_errors=True)
    args.logs.mkdir(parents=True)

    # Every program here may hold a thousand sockets.
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    started = time.monotonic()
    context = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
               "machine": machine(), "versions": versions(args), "load_before": os.getloadavg(),
               "command": " ".join(["bench/run.sh", *sys.argv[1:]]),
               "via_make": "MAKELEVEL" in os.environ,  # make exports it to what it runs
               "args": args}
    log(f"{args.runs} run(s) of {args.events} events; results in {args.out}")

    rows = []
    bench_flags = ["--bench-events", str(args.events), "--heartbeat-interval", "41250"]
    # One gateway renders the stream once and serves every run's clients; it idles meanwhile.
    with gateway(args, "throughput", bench_flags) as serve:
        for run in range(1, args.runs + 1):
            clients = rotated(throughput_clients(args, serve.info), run - 1, args.runs)
            rows += measure_throughput(args, run, serve, clients)
            rows += measure_decode_limit(args, run)
            rows += measure_idle(args, run)
            rows += measure_reconnect(args, run)
            write_csv(args.out / "results.csv", rows)

        context["profiles"] = profile_hot_path(args, serve)
    context["load_after"] = os.getloadavg()
    context["duration_s"] = time.monotonic() - started
    write_csv(args.out / "results.csv", rows)

    summary = report.summarise(rows, args)
    (args.out / "RESULTS.md").write_text(report.markdown(summary, context))
    (args.out / "chart.svg").write_text(chart.svg(summary, context))

    failed = [r for r in rows if r.get("status") != "ok"]
    log(f"done in {context['duration_s']:.0f} s: {len(rows)} rows, {len(failed)} failed; "
        f"{args.out / 'RESULTS.md'}")
    for row in failed:
        log(f"failed: run {row['run']} {row['measurement']} {row.get('client')} "
            f"{row.get('compress')}: {row.get('note')}")

    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
