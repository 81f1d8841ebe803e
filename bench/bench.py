#!/usr/bin/python3
"""c2audit benchmark: runs each workload against no auditing, the floor,
c2auditd, kernel audit (auditd) and opensnoop, one after the other in one
session, and writes report.md, report.json and chart.png. See bench/README.md."""
import argparse
import datetime
import os
import statistics
import sys
import tempfile
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import auditd, host, peers, procs, report, workloads  # noqa: E402


class Config:
    def __init__(self, args, root):
        self.root = root
        self.build_dir = os.path.join(root, "build")
        self.quick = args.quick
        self.ring_mib = args.ring_size
        self.workdir = tempfile.mkdtemp(prefix="c2audit-bench-")
        self.c2audit = self.build("src/cli/c2audit")

    def build(self, rel):
        return os.path.join(self.build_dir, rel)

    def bin(self, name):
        return self.build(os.path.join("bench", name))


def run_one(cfg, workload, peer):
    """One run of one workload under one auditor: a raw row (no ratio)."""
    row = {"workload": workload.name, "auditor": peer.name}
    reason = peer.unavailable(workload)
    if reason:
        row["status"] = reason
        return row
    tmp = tempfile.mkdtemp(dir=cfg.workdir, prefix=peer.name + "-")
    try:
        peer.start(workload, tmp)
        try:
            result = workload.run()
        finally:
            row["cost"] = peer.stop()
        recorded, lost = peer.count(workload, result)
    except Exception as e:  # a peer failing is a row, not the end of the session
        row["status"] = f"failed: {e}"
        traceback.print_exc()
        return row
    finally:
        procs.remove_tree(tmp)
    selects = getattr(peer, "selects", True)  # False: none of the workload's events are wanted
    row.update(status="ok", mode=peer.mode, unit=result["unit"], ops=result["ops"],
               seconds=round(result["seconds"], 3), ops_per_s=result["ops"] / result["seconds"],
               performed=result["performed"] if selects else 0, recorded=recorded, lost=lost)
    add_consumer_cost(row)
    return row


def add_consumer_cost(row):
    """The daemon's CPU per record kept, and what each consumer thread kept
    per second, over the workload (its start-up not counted)."""
    cost = row.get("cost", {})
    if row.get("recorded") and cost.get("workload_cpu_s") is not None:
        row["ns_per_record"] = 1e9 * cost["workload_cpu_s"] / row["recorded"]
        row["records_per_s_per_consumer"] = (row["recorded"] / row["seconds"]
                                             / cost.get("consumer_threads", 1))


def add(a, b):
    return None if a is None or b is None else a + b


def merge(runs):
    """Folds the rounds of one (workload, auditor): the median rate, and the
    counts and CPU summed over rounds, so that nothing missing can hide."""
    ok = [r for r in runs if r.get("status") == "ok"]
    if len(ok) < len(runs):
        return next(r for r in runs if r.get("status") != "ok")
    row = dict(ok[0], rounds=len(ok), rates=[round(r["ops_per_s"]) for r in ok])
    row["ops_per_s"] = statistics.median(r["ops_per_s"] for r in ok)
    for r in ok[1:]:
        for key in ("ops", "performed", "recorded", "lost"):
            row[key] = add(row[key], r[key])
        cost, more = row["cost"], r.get("cost", {})
        for key in ("cpu_s", "workload_cpu_s"):
            if key in cost and key in more:
                cost[key] = round(cost[key] + more[key], 3)
        for key in ("peak_rss_kib", "rss_anon_kib", "kernel_bytes"):
            if cost.get(key) is not None and more.get(key) is not None:
                cost[key] = max(cost[key], more[key])
    row["seconds"] = round(sum(r["seconds"] for r in ok), 3)
    add_consumer_cost(row)
    if row["performed"] is not None and row["recorded"] is not None:
        missing = row["performed"] - row["recorded"]
        if row["performed"] == 0:  # an auditor whose objectives select none of them
            row["verdict"] = ("none selected, none recorded" if row["recorded"] == 0 else
                              f"{row['recorded']:,} recorded that no objective selects")
        else:
            row["verdict"] = ("all kept" if missing == 0 and not row["lost"] else
                              f"{missing:,} missing, {row['lost'] or 0:,} reported lost")
    return row


def run_workload(cfg, w, chosen, repeat):
    """Every auditor in turn, `repeat` rounds (interleaved, so that a noisy
    moment hits all auditors alike); rows with ratios to the baseline."""
    runs = {peer.name: [] for peer in chosen}
    for _ in range(repeat):
        for peer in chosen:
            if peer.name == "auditd":
                runs[peer.name].append(run_one(cfg, w, peer))
                continue
            with auditd.tasks_without_audit_context():
                runs[peer.name].append(run_one(cfg, w, peer))
    rows = [merge(runs[peer.name]) for peer in chosen]
    base = next((r for r in rows if r["auditor"] == "baseline" and r.get("status") == "ok"), None)
    for r in rows:
        if base and r.get("status") == "ok":
            r["ratio"] = r["ops_per_s"] / base["ops_per_s"]
    return rows


def describe(row):
    if row.get("status") != "ok":
        return f"{row['auditor']:>10}: {row['status']}"
    ratio = f"{100 * row['ratio']:.0f}%" if row.get("ratio") else "–"
    return (f"{row['auditor']:>10}: {row['ops_per_s']:>12,.0f} {row['unit']} ({ratio}) "
            f"performed={row['performed']} recorded={row['recorded']} lost={row['lost']}")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="short runs: a smoke test (~2 min)")
    ap.add_argument("--only", action="append", default=[],
                    help="run workloads whose name contains this text (repeatable)")
    ap.add_argument("--auditors", default="baseline,floor,c2auditd,auditd,opensnoop",
                    help="comma-separated peers to run, in order")
    ap.add_argument("--repeat", type=int, default=1,
                    help="rounds per workload; the median rate is reported (default 1)")
    ap.add_argument("--ring-size", type=int, default=64, help="c2auditd --ring-size MiB")
    ap.add_argument("--out", help="result directory (default bench/results/<UTC timestamp>)")
    args = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if os.geteuid() != 0:
        sys.exit("bench: run as root (loads BPF programs, drives kernel audit)")
    cfg = Config(args, root)
    try:
        run_session(cfg, args, root)
    finally:
        procs.remove_tree(cfg.workdir)  # also after a usage error


def run_session(cfg, args, root):
    """Runs the chosen workloads against the chosen auditors; writes the report."""
    selected = [w for w in workloads.all_workloads(cfg)
                if not args.only or any(o in w.name for o in args.only)]
    if not selected:
        names = "; ".join(w.name for w in workloads.all_workloads(cfg))
        sys.exit(f"bench: --only {' / '.join(args.only)}: no workload matches (workloads: {names})")
    stamp = datetime.datetime.utcnow().strftime("%Y%m%dT%H%M%SZ")
    out_dir = args.out or os.path.join(root, "bench", "results", stamp)

    available = {"baseline": peers.Baseline(), "floor": peers.Floor(cfg),
                 "c2auditd": peers.C2auditd(cfg), "c2auditd-1c": peers.C2auditd(cfg, consumers=1),
                 "c2auditd-no-user-messages": peers.C2auditd(cfg, user_messages=False),
                 "c2auditd-defaults": peers.C2auditd(cfg, defaults=True),
                 "c2auditd-forward": peers.C2auditdForward(cfg),
                 "c2auditd-forward-syslog": peers.C2auditdForward(cfg, "syslog"),
                 "auditd": peers.Auditd(cfg),
                 "opensnoop": peers.Opensnoop()}
    unknown = [n for n in args.auditors.split(",") if n not in available]
    if unknown:
        sys.exit(f"bench: --auditors: unknown {', '.join(unknown)} (known: {', '.join(available)})")
    chosen = [available[n] for n in args.auditors.split(",")]
    os.makedirs(out_dir, exist_ok=True)
    session = {"started": stamp, "quick": cfg.quick, "repeat": args.repeat,
               "machine": host.describe(),
               "mode": "c2auditd " + peers.SELECTION_NOTE}
    rows = []
    try:
        for w in selected:
            print(f"== {w.name}", flush=True)
            w.prepare()
            for row in run_workload(cfg, w, chosen, args.repeat):
                rows.append(row)
                print(describe(row), flush=True)
    finally:
        chart_note = report.write(out_dir, session, rows)
    drawn = ", chart.png" if chart_note == "chart.png" else " (no chart)"
    print(f"bench: wrote {out_dir}/report.md, report.json{drawn}")


if __name__ == "__main__":
    main()
