"""The benchmark's figures summarised over runs (min/median/max), ratios taken within each run,
the issue's targets judged, and RESULTS.md written from them."""

import statistics

TARGET_DECODE_SHARE = 0.70
TARGET_VS_WS = {"none": 5.0, "zlib-stream": 3.0}
TARGET_IDLE_KIB = {"none": 64, "zlib-stream": 128}
TARGET_RESUME_MS = 5.0

COMPRESSIONS = ["none", "zlib-stream", "zstd-stream"]

# The order rows appear in: the limit first, then gatehouse, then the peers.
ROW_ORDER = ["limit:reference", "limit:gatehouse", "reference", "gatehouse", "discordjs-ws",
             "discordjs-client"]

CLIENT_NAMES = {
    "limit:reference": "decode limit: simdjson",
    "limit:gatehouse": "decode limit: gatehouse path",
    "gatehouse": "gatehouse",
    "discordjs-ws": "@discordjs/ws",
    "discordjs-client": "discord.js Client",
}


def ordered(items, kind_of=lambda key: key[0]):
    """Items keyed (kind, compression, ...) sorted by compression, then ROW_ORDER."""
    def rank(item):
        key = item[0]
        kind = kind_of(key)
        return (COMPRESSIONS.index(key[1]) if key[1] in COMPRESSIONS else 9,
                ROW_ORDER.index(kind) if kind in ROW_ORDER else 9, kind)

    return sorted(items, key=rank)


def spread(values):
    """(min, median, max) of the values present, or None when there are none."""
    present = [v for v in values if v is not None]
    if not present:
        return None

    return min(present), statistics.median(present), max(present)


def ok_rows(rows, measurement):
    return [r for r in rows if r["measurement"] == measurement and r.get("status") == "ok"]


def by_run(rows, key):
    """{run: {key(row): row}} for rows that measured."""
    table = {}
    for row in rows:
        table.setdefault(row["run"], {})[key(row)] = row

    return table


def summarise(rows, args):
    runs = sorted({r["run"] for r in rows})
    throughput = ok_rows(rows, "throughput")
    sinks = ok_rows(rows, "sink")
    decode = ok_rows(rows, "decode_limit")

    # Per client and compression, the figures of every run.
    clients = {}
    for row in throughput:
        entry = clients.setdefault((row["client"], row["compress"]), {
            "eps": [], "wall": [], "wall_rate": [], "rss": [], "proc_cpu": [],
            "gateway_rate": []})
        entry["eps"].append(row.get("events_per_cpu_s"))
        entry["wall"].append(row.get("wall_s"))
        if row.get("wall_s"):
            entry["wall_rate"].append(row["events"] / row["wall_s"])
        entry["rss"].append(row.get("rss_peak_kib"))
        entry["proc_cpu"].append(row.get("proc_cpu_s"))
        entry["gateway_rate"].append(row.get("gateway_events_per_s"))

    sink_rates = {}
    for row in sinks:
        if row.get("wall_s"):
            rate = (row["events"], row.get("gateway_bytes"), row["wall_s"])
            sink_rates.setdefault(row["compress"], []).append(rate)

    limits = {}
    for row in decode:
        limits.setdefault((row["client"], row["compress"]), []).append(row["events_per_cpu_s"])

    # Ratios are taken within a run, then spread over runs.
    eps = by_run(throughput, lambda r: (r["client"], r["compress"]))
    references = by_run(decode, lambda r: (r["client"], r["compress"]))
    ratios = {}
    for run in runs:
        mine = eps.get(run, {})
        limit = references.get(run, {})
        for compress in ("none", "zlib-stream", "zstd-stream"):
            gatehouse = mine.get(("gatehouse", compress), {}).get("events_per_cpu_s")
            reference = limit.get(("reference", compress), {}).get("events_per_cpu_s")
            ws = mine.get(("discordjs-ws", compress), {}).get("events_per_cpu_s")
            client = mine.get(("discordjs-client", compress), {}).get("events_per_cpu_s")
            if gatehouse and reference:
                ratios.setdefault(("decode limit", compress), []).append(gatehouse / reference)
            if gatehouse and ws:
                ratios.setdefault(("@discordjs/ws", compress), []).append(gatehouse / ws)
            if gatehouse and client:
                ratios.setdefault(("discord.js Client", compress), []).append(gatehouse / client)

    idle = {}
    for row in ok_rows(rows, "idle"):
        idle.setdefault((row["shards"], row["compress"]), []).append(row["per_shard_kib"])

    reconnect = ok_rows(rows, "reconnect")

    return {
        "runs": runs,
        "args": args,
        "clients": clients,
        "sinks": sink_rates,
        "limits": limits,
        "ratios": ratios,
        "idle": idle,
        "reconnect_median": [r["median_ms"] for r in reconnect],
        "reconnect_p99": [r["p99_ms"] for r in reconnect],
        "failed": [r for r in rows if r.get("status") != "ok"],
        "emitted": [r["result"]["emitted"] for r in throughput
                    if r["client"] == "discordjs-client" and "emitted" in r.get("result", {})],
    }


def thousands(value):
    return "–" if value is None else f"{value / 1000:,.0f}k"


def plain(value, digits=2):
    return "–" if value is None else f"{value:,.{digits}f}"


def triple(values, form=thousands):
    s = spread(values)
    if s is None:
        return "–"

    return f"{form(s[0])} / **{form(s[1])}** / {form(s[2])}"


def median_of(values, form=plain):
    s = spread(values)

    return "–" if s is None else form(s[1])


def verdict(passed):
    return "–" if passed is None else ("met" if passed else "**not met**")


def targets(summary):
    """(target, measured, met) for each of the issue's targets."""
    lines = []
    for compress in ("none", "zlib-stream", "zstd-stream"):
        s = spread(summary["ratios"].get(("decode limit", compress), []))
        lines.append((f"gatehouse ≥ {TARGET_DECODE_SHARE:.0%} of the decode limit, {compress}",
                      "–" if s is None else f"{s[1]:.0%} (min {s[0]:.0%})",
                      None if s is None else s[1] >= TARGET_DECODE_SHARE))
    for compress, factor in TARGET_VS_WS.items():
        s = spread(summary["ratios"].get(("@discordjs/ws", compress), []))
        lines.append((f"gatehouse ≥ {factor:g}× @discordjs/ws, {compress}",
                      "–" if s is None else f"{s[1]:.1f}× (min {s[0]:.1f}×)",
                      None if s is None else s[1] >= factor))
    shards = max(summary["args"].idle_shards)
    for compress, limit in TARGET_IDLE_KIB.items():
        s = spread(summary["idle"].get((shards, compress), []))
        lines.append((f"≤ {limit} KiB per idle shard ({shards} shards), {compress}",
                      "–" if s is None else f"{s[1]:.1f} KiB",
                      None if s is None else s[1] <= limit))
    s = spread(summary["reconnect_median"])
    lines.append((f"op 7 → RESUMED median < {TARGET_RESUME_MS:g} ms",
                  "–" if s is None else f"{s[1]:.2f} ms", None if s is None else s[1] < 5))

    return lines


def markdown(summary, context):
    args = summary["args"]
    m = context["machine"]
    out = []
    add = out.append

    add("# gatehouse benchmark results\n")
    command = f"`{context['command']}`"
    if context.get("via_make"):
        command = f"`make bench` (which ran {command})"
    add(f"Measured {context['date']} by {command} in "
        f"{context['duration_s'] / 60:.1f} min: {len(summary['runs'])} "
        f"run{'s' if len(summary['runs']) != 1 else ''} of "
        f"{args.events:,} dispatches (+{args.guilds} GUILD_CREATEs) on loopback, seed "
        f"{args.seed}. Figures are min / **median** / max over the runs; ratios are taken "
        "within each run first.\n")
    add(f"- Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, Linux "
        f"{m['kernel']}")
    load = lambda l: ", ".join(f"{x:.2f}" for x in l)
    add(f"- Load average: {load(context['load_before'])} before, "
        f"{load(context['load_after'])} after")
    add("- Versions: " + "; ".join(f"{k} {v}" for k, v in context["versions"].items()))
    add("")

    add("## Throughput\n")
    add("Events counted per CPU-second of the client process, from READY to BENCH_DONE "
        "(the client's own getrusage or `process.cpuUsage()`), and per wall-second over the "
        "same span; peak RSS of the whole process. Next to them, the gateway's send rate: "
        "what it recorded for this client's session (first byte written to last write "
        "completed, into the socket's buffers), and the sink's rate, the fastest any reader "
        "took the same stream. A client whose rate per wall-second nears the sink's is capped "
        "by the gateway.\n")
    add("| client | compression | events per CPU-second | wall s | events per wall-second "
        "| gateway sent it, events/s | sink, events/s | peak RSS MiB | runs ok |")
    add("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for (client, compress), entry in ordered(summary["clients"].items()):
        sink = [n / wall for n, _, wall in summary["sinks"].get(compress, [])]
        add(f"| {CLIENT_NAMES[client]} | {compress} | {triple(entry['eps'])} "
            f"| {median_of(entry['wall'], lambda v: plain(v, 3))} "
            f"| {median_of(entry['wall_rate'], thousands)} "
            f"| {median_of(entry['gateway_rate'], thousands)} "
            f"| {median_of(sink, thousands)} "
            f"| {median_of(entry['rss'], lambda v: plain(v / 1024, 1))} "
            f"| {len(entry['eps'])}/{len(summary['runs'])} |")
    add("")

    add("## The decode limit\n")
    add("`build/bench/decode_limit`: the same stream's bytes decompressed and parsed in a tight "
        "loop, no networking, events per CPU-second. *reference*: simdjson on-demand reading "
        "`op`, `t` and the counted field; *gatehouse*: the client's own decoder and envelope "
        "parse.\n")
    add("| path | compression | events per CPU-second |")
    add("| --- | --- | --- |")
    for (path, compress), values in ordered(summary["limits"].items()):
        add(f"| {path} | {compress} | {triple(values)} |")
    add("")

    add("## Ratios within each run\n")
    add("| gatehouse ÷ | compression | min / **median** / max |")
    add("| --- | --- | --- |")
    names = {"decode limit": "reference", "@discordjs/ws": "discordjs-ws",
             "discord.js Client": "discordjs-client"}
    for (other, compress), values in ordered(summary["ratios"].items(),
                                             lambda key: names[key[0]]):
        form = (lambda v: f"{v:.0%}") if other == "decode limit" else (lambda v: f"{v:.2f}×")
        add(f"| {other} | {compress} | {triple(values, form)} |")
    add("")

    add("## The gateway's send rate\n")
    add("`gatehouse bench sink`: reads the stream's messages without decompressing or parsing; "
        "messages per wall-second, as fast as the gateway writes them.\n")
    add("| compression | messages per second | MB per second (median) | bytes per message |")
    add("| --- | --- | --- | --- |")
    for compress, rates in sorted(summary["sinks"].items(),
                                  key=lambda kv: COMPRESSIONS.index(kv[0])):
        per_s = [n / wall for n, _, wall in rates]
        mb_s = [b / wall / 1e6 for _, b, wall in rates if b]
        size = [b / n for n, b, _ in rates if b]
        add(f"| {compress} | {triple(per_s)} | {median_of(mb_s, lambda v: plain(v, 0))} "
            f"| {median_of(size, lambda v: plain(v, 0))} |")
    add("")

    add("## Idle memory\n")
    add("`gatehouse bench idle`: RSS growth of one process holding K connected, READY, idle "
        "shards, divided by K (KiB per shard).\n")
    compressions = sorted({c for _, c in summary["idle"]})
    add("| shards | " + " | ".join(compressions) + " |")
    add("| --- |" + " --- |" * len(compressions))
    for shards in sorted({k for k, _ in summary["idle"]}):
        cells = [triple(summary["idle"].get((shards, c), []), lambda v: plain(v, 1))
                 for c in compressions]
        add(f"| {shards} | " + " | ".join(cells) + " |")
    add("")

    add("## Reconnect\n")
    add(f"`gatehouse bench reconnect --count {args.reconnects}`: op 7 (forced through the test "
        "gateway's control endpoint) to RESUMED, on loopback.\n")
    add("| median ms | p99 ms |")
    add("| --- | --- |")
    ms = lambda v: plain(v, 3)
    add(f"| {triple(summary['reconnect_median'], ms)} "
        f"| {triple(summary['reconnect_p99'], ms)} |")
    add("")

    add("## Targets\n")
    add("| target | measured (median) | |")
    add("| --- | --- | --- |")
    for target, measured, passed in targets(summary):
        add(f"| {target} | {measured} | {verdict(passed)} |")
    add("")

    if context.get("profiles"):
        add("## Where the time goes\n")
        add("`perf record -g` of `gatehouse bench client` on the same stream (whole process, "
            "start-up included), symbols above 2% of the samples, self time.\n")
        for compress, top in context["profiles"]:
            add(f"**{compress}**\n")
            add("| % | object | symbol |")
            add("| --- | --- | --- |")
            for percent, where, symbol in top:
                short = symbol if len(symbol) <= 90 else symbol[:87] + "..."
                add(f"| {percent:.1f} | {where} | `{short}` |")
            add("")

    add("## Notes\n")
    add("- Every client counts, from READY to BENCH_DONE (both exclusive), each dispatch its "
        "library hands to the application with `d` parsed, reading one field "
        "(MESSAGE_CREATE `content`, TYPING_START `user_id`, PRESENCE_UPDATE `status`, "
        "GUILD_CREATE `id`); a run whose count differs from the stream's is a failed row.")
    add("- @discordjs/ws counts its `Dispatch` events (the parsed payload). The discord.js "
        "Client counts its `raw` event, the parsed packet it hands the application before its "
        "handlers build structures and fill the caches; its figures are taken after those "
        "handlers ran, so their cost is included. Its application events (`messageCreate`, "
        "…) are not a count of the stream: guildCreate is not emitted for a guild it already "
        "knows.")
    if summary["emitted"]:
        counts = ", ".join(f"{k} {v:,}" for k, v in summary["emitted"][0].items())
        add(f"  Its application events in one run, for comparison: {counts}.")
    add("- Both Node.js peers find the gateway through their REST base (GET /gateway/bot) and "
        "inflate zlib-stream with zlib-sync; for the plain discord.js run, its sharding "
        "strategy hook turns compression off (discord.js compresses whenever zlib-sync loads).")
    add("- Node v20 has no zstd in node:zlib, so there is no zstd-stream peer.")
    add("- Peak RSS is GNU time's, which forks each program from a small process: Linux "
        "carries a process's peak RSS over exec, so a program forked from the Python harness "
        "itself would report at least the harness's own. The CPU seconds of the whole process "
        "are in results.csv (`proc_cpu_s`, from wait4).")
    add("- Idle memory per shard with one shard is the process's fixed cost (threads, buffers, "
        "the TLS context) over one; the targets are judged at the largest count.")
    add("- The gateway's recorded send time ends when its last write completes into the "
        "socket's buffers; for small compressed streams that is before the client has read "
        "them, so it is an upper bound. The sink's rate is the one to compare against.")
    if summary["failed"]:
        add("- Failed rows (not in the figures above):")
        for row in summary["failed"]:
            add(f"  - run {row['run']}, {row['measurement']} {row.get('client') or ''} "
                f"{row.get('compress') or ''} {row.get('shards') or ''}: "
                f"{row.get('note') or 'no result'}")
    add("")

    return "\n".join(out)
