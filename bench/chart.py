"""chart.svg: events per CPU-second per client and compression, and KiB per idle shard, as
horizontal bars (median, with a line from min to max), written as plain SVG so the benchmark
needs no plotting package."""

from html import escape

from report import CLIENT_NAMES, COMPRESSIONS, TARGET_IDLE_KIB, ordered, spread

WIDTH = 900
LABEL_W = 290
BAR_H = 16
GAP = 6
COLOURS = {"none": "#4e79a7", "zlib-stream": "#f28e2b", "zstd-stream": "#59a14f"}


def bars(title, unit, entries, top, marks=()):
    """One panel: entries are (label, compress, (min, median, max)), marks are (value, label)
    drawn as dashed lines; returns (svg parts, height)."""
    entries = [e for e in entries if e[2] is not None]
    parts = [f'<text x="10" y="{top + 18}" class="title">{escape(title)}</text>']
    if not entries:
        parts.append(f'<text x="10" y="{top + 40}">no measurement</text>')

        return parts, 50

    scale_max = max([e[2][2] for e in entries] + [value for value, _ in marks]) * 1.08
    plot_w = WIDTH - LABEL_W - 110
    x = lambda v: LABEL_W + plot_w * v / scale_max
    y = top + 32
    for label, compress, (low, middle, high) in entries:
        colour = COLOURS.get(compress, "#999")
        parts.append(f'<text x="{LABEL_W - 8}" y="{y + BAR_H - 4}" text-anchor="end">'
                     f'{escape(label)}</text>')
        parts.append(f'<rect x="{LABEL_W}" y="{y}" width="{x(middle) - LABEL_W:.1f}" '
                     f'height="{BAR_H}" fill="{colour}"/>')
        parts.append(f'<line x1="{x(low):.1f}" x2="{x(high):.1f}" y1="{y + BAR_H / 2}" '
                     f'y2="{y + BAR_H / 2}" stroke="#222" stroke-width="1.5"/>')
        parts.append(f'<text x="{x(high) + 6:.1f}" y="{y + BAR_H - 4}">'
                     f'{escape(unit(middle))}</text>')
        y += BAR_H + GAP
    for value, label in marks:
        parts.append(f'<line x1="{x(value):.1f}" x2="{x(value):.1f}" y1="{top + 28}" '
                     f'y2="{y}" stroke="#c00" stroke-dasharray="4 3"/>')
        parts.append(f'<text x="{x(value) + 3:.1f}" y="{y + 12}" fill="#c00">'
                     f'{escape(label)}</text>')

    return parts, y - top + 22


def svg(summary, context):
    # Per compression: the decode limits, then the clients.
    rows = [((f"limit:{path}", compress), values)
            for (path, compress), values in summary["limits"].items()]
    rows += [((client, compress), entry["eps"])
             for (client, compress), entry in summary["clients"].items()]
    throughput = [(f"{CLIENT_NAMES.get(name, name)} {compress}", compress, spread(values))
                  for (name, compress), values in ordered(rows)]

    # One shard's figure is the process's fixed cost, off the scale of the rest: it is left to
    # the table when larger counts were measured.
    counts = sorted({shards for shards, _ in summary["idle"]})
    shown = [k for k in counts if k > 1] or counts
    idle = [(f"{shards:,} shard{'s' if shards > 1 else ''} {compress}", compress, spread(values))
            for (shards, compress), values in sorted(
                summary["idle"].items(), key=lambda kv: (kv[0][0], COMPRESSIONS.index(kv[0][1])))
            if shards in shown]
    targets = [(kib, f"target {compress}: {kib} KiB")
               for compress, kib in TARGET_IDLE_KIB.items()]

    top = 40
    panel1, h1 = bars("Events per CPU-second (median; line: min to max)",
                      lambda v: f"{v / 1000:,.0f}k", throughput, top)
    title = "KiB of RSS per idle connected shard, " + " and ".join(f"{k:,}" for k in shown) + \
        " shards"
    panel2, h2 = bars(title, lambda v: f"{v:,.1f} KiB", idle, top + h1 + 10, targets)
    height = top + h1 + h2 + 40
    versions = context["versions"]
    caption = (f"{context['date']} · {context['machine']['cpu']}, "
               f"{context['machine']['cores']} cores · gatehouse {versions['gatehouse']} · "
               f"node {versions['node']} · {summary['args'].events:,} events × "
               f"{len(summary['runs'])} runs")

    return "\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12">',
        "<style>.title { font-weight: bold; font-size: 14px; }</style>",
        f'<rect width="{WIDTH}" height="{height}" fill="white"/>',
        f'<text x="10" y="22" class="title">gatehouse benchmark</text>',
        *panel1,
        *panel2,
        f'<text x="10" y="{height - 12}" fill="#555">{escape(caption)}</text>',
        "</svg>",
        "",
    ])
