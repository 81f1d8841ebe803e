"""Writes a session's rows as report.json, report.md and chart.png."""
import json
import os
import subprocess

COLUMNS = ["workload", "auditor", "ops/s", "vs baseline", "performed", "recorded", "lost",
           "verdict", "daemon CPU s", "ns/record", "records/s per consumer thread",
           "peak RSS MiB (private)", "kernel buffers MiB"]


def mib(kib_or_bytes, unit_bytes):
    if kib_or_bytes is None:
        return "–"
    return f"{kib_or_bytes / (1 << 20 if unit_bytes else 1 << 10):.1f}"


def num(v):
    return "–" if v is None else f"{v:,}"


def row_cells(r):
    if r.get("status") != "ok":
        return [r["workload"], r["auditor"]] + ["–"] * 5 + [r.get("status", "")] + ["–"] * 5
    cost = r.get("cost", {})
    rss = "–"
    if cost.get("peak_rss_kib"):
        rss = f"{mib(cost['peak_rss_kib'], False)} ({mib(cost.get('rss_anon_kib', 0), False)})"
    return [r["workload"], r["auditor"], f"{r['ops_per_s']:,.0f} {r['unit']}",
            f"{100 * r['ratio']:.0f}%" if r.get("ratio") is not None else "–",
            num(r.get("performed")), num(r.get("recorded")), num(r.get("lost")),
            f"**{r['verdict']}**" if r.get("verdict") else "–",
            f"{cost['cpu_s']:.2f}" if "cpu_s" in cost else "–",
            f"{r['ns_per_record']:,.0f}" if r.get("ns_per_record") else "–",
            f"{r['records_per_s_per_consumer']:,.0f}" if r.get("records_per_s_per_consumer") else "–",
            rss, mib(cost.get("kernel_bytes"), True)]


def notes(rows):
    """How each auditor ran, once per distinct mode, and the rounds' rates."""
    lines, seen = [], set()
    for r in rows:
        if r.get("status") != "ok":
            continue
        cost = r.get("cost", {})
        text = r["mode"] + (f"; kernel buffers: {cost['kernel_note']}" if cost.get("kernel_note") else "")
        if (r["auditor"], text) not in seen:
            seen.add((r["auditor"], text))
            lines.append(f"- **{r['auditor']}**: {text}")
    for r in rows:
        throttle = r.get("cost", {}).get("throttle") or {}
        if throttle.get("throttle_episodes"):
            lines.append(f"- {r['workload']} / {r['auditor']}: --overflow throttle held the producers "
                         f"back {throttle['throttle_episodes']} times, {throttle['throttle_held_ms']} ms "
                         f"in all ({throttle['throttle_bound_reached']} at the bound; last round)")
    for r in rows:
        forward = r.get("cost", {}).get("forward") or {}
        if forward.get("behind_at_end") is not None:
            lines.append(f"- {r['workload']} / {r['auditor']}: the forwarder was {forward['behind_at_end']:,} "
                         f"records behind when the workload ended and caught up in {forward['drain_s']} s "
                         f"({forward['records_per_s'] or 0:,} records/s to the local rsyslog; last round)")
    for r in rows:
        if r.get("rounds", 1) > 1:
            rates = ", ".join(f"{x:,}" for x in r["rates"])
            lines.append(f"- {r['workload']} / {r['auditor']}: rates of {r['rounds']} rounds {rates}")
    return lines


def markdown(session, rows, chart_note):
    lines = [f"# c2audit benchmark, {session['started']}", "",
             f"Machine: {session['machine']}. Mode: {session['mode']}. Ratios are against the "
             "baseline measured in this session. `–`: not measured or not applicable.", "",
             f"Chart: {chart_note}.", "",
             "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for r in rows:
        lines.append("| " + " | ".join(str(c) for c in row_cells(r)) + " |")
    lines += ["", "Peak RSS is VmHWM; in brackets the private part (RssAnon). A mapped BPF ring",
              "buffer counts in VmHWM but is kernel memory, shown under kernel buffers.",
              "ns/record: the CPU time (user + system) of the daemon's consumer threads, its",
              "compressor and its main thread, from the workload's start to its end, per record",
              "kept; records/s per consumer thread: records kept per second of",
              "the workload, divided by the daemon's consumer threads.", "",
              "## How each auditor ran", ""] + notes(rows)
    return "\n".join(lines) + "\n"


def chart(out_dir, rows):
    """Two panels: throughput vs baseline, and share of performed events kept."""
    workloads = list(dict.fromkeys(r["workload"] for r in rows))
    auditors = [a for a in dict.fromkeys(r["auditor"] for r in rows) if a != "baseline"]
    data = os.path.join(out_dir, "chart.dat")
    with open(data, "w") as f:
        f.write("# workload " + " ".join(f'"{a}" "{a} kept"' for a in auditors) + "\n")
        for w in workloads:
            cells = [f'"{w}"']
            for a in auditors:
                r = next((x for x in rows if x["workload"] == w and x["auditor"] == a), None)
                ok = r and r.get("status") == "ok"
                ratio = 100 * r["ratio"] if ok and r.get("ratio") is not None else "NaN"
                kept = (100 * r["recorded"] / r["performed"]
                        if ok and r.get("performed") and r.get("recorded") is not None else "NaN")
                cells += [str(ratio), str(kept)]
            f.write(" ".join(cells) + "\n")
    def plot(columns):
        # One colour per auditor in both panels.
        return ", ".join(f'"{data}" using {c}:xtic(1) title "{t}" lt {auditors.index(t) + 1}'
                         for c, t in columns)

    rate_cols = [(2 + 2 * i, a) for i, a in enumerate(auditors)]
    kept_cols = [(3 + 2 * i, a) for i, a in enumerate(auditors)
                 if any(x["auditor"] == a and x.get("recorded") is not None and x.get("performed")
                        for x in rows)]  # stress-ng records but counts no performed events
    script = f"""
set terminal pngcairo size 1400,900 font ",10"
set output "{os.path.join(out_dir, 'chart.png')}"
set multiplot layout {2 if kept_cols else 1},1
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set datafile missing "NaN"
set key outside right top noenhanced
set grid ytics
set xtics noenhanced rotate by -12 left
set bmargin 5
set yrange [0:*]
set title "Throughput while audited, % of baseline (higher is better)"
plot {plot(rate_cols)}
"""
    if kept_cols:
        script += f"""
set title "Performed events present in the trail, % (100 = nothing lost)"
set yrange [0:110]
plot {plot(kept_cols)}
"""
    script += "unset multiplot\n"
    try:
        r = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
    except FileNotFoundError:
        return False, "gnuplot is not installed (Debian package gnuplot-nox; bench/run.sh installs it)"
    return r.returncode == 0, r.stderr.strip() or f"gnuplot exited with {r.returncode}"


def write(out_dir, session, rows):
    """Writes the three files; returns what became of the chart, in words."""
    ok, err = chart(out_dir, rows)
    chart_note = "chart.png" if ok else f"not drawn: {err}"
    session = dict(session, chart=chart_note)
    with open(os.path.join(out_dir, "report.json"), "w") as f:
        json.dump({"session": session, "rows": rows}, f, indent=2)
    with open(os.path.join(out_dir, "report.md"), "w") as f:
        f.write(markdown(session, rows, chart_note))
    if not ok:
        print(f"bench: chart {chart_note}")
    return chart_note
