#!/usr/bin/python3
"""c2audit benchmark: runs each workload against no auditing, the floor,
c2auditd, kernel audit (auditd) and opensnoop, one after the other in one
session, and writes report.md, report.json and chart.png. See bench/README.md."""
import argparse
import datetime
import os
import platform
import shutil
import sys
import tempfile
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import peers, procs, report, workloads  # noqa: E402


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


def run_one(cfg, workload, peer, baseline_rate):
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
        shutil.rmtree(tmp, ignore_errors=True)
    rate = result["ops"] / result["seconds"]
    row.update(status="ok", mode=peer.mode, unit=result["unit"], ops=result["ops"],
               seconds=round(result["seconds"], 3), ops_per_s=rate,
               ratio=rate / baseline_rate if baseline_rate else None,
               performed=result["performed"], recorded=recorded, lost=lost)
    if result["performed"] is not None and recorded is not None:
        missing = result["performed"] - recorded
        row["verdict"] = ("all kept" if missing == 0 and not lost else
                          f"{missing:,} missing, {lost or 0:,} reported lost")
    return row


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
    ap.add_argument("--ring-size", type=int, default=64, help="c2auditd --ring-size MiB")
    ap.add_argument("--out", help="result directory (default bench/results/<UTC timestamp>)")
    args = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if os.geteuid() != 0:
        sys.exit("bench: run as root (loads BPF programs, drives kernel audit)")
    cfg = Config(args, root)
    stamp = datetime.datetime.utcnow().strftime("%Y%m%dT%H%M%SZ")
    out_dir = args.out or os.path.join(root, "bench", "results", stamp)
    os.makedirs(out_dir, exist_ok=True)

    available = {"baseline": peers.Baseline(), "floor": peers.Floor(cfg),
                 "c2auditd": peers.C2auditd(cfg), "auditd": peers.Auditd(cfg),
                 "opensnoop": peers.Opensnoop()}
    chosen = [available[n] for n in args.auditors.split(",")]
    session = {"started": stamp, "quick": cfg.quick,
               "machine": f"{os.cpu_count()} cores, kernel {platform.release()}",
               "mode": "c2auditd " + peers.SELECTION_NOTE}
    rows = []
    try:
        for w in workloads.all_workloads(cfg):
            if args.only and not any(o in w.name for o in args.only):
                continue
            print(f"== {w.name}", flush=True)
            w.prepare()
            baseline_rate = None
            for peer in chosen:
                row = run_one(cfg, w, peer, baseline_rate)
                if peer.name == "baseline" and row.get("status") == "ok":
                    baseline_rate = row["ops_per_s"]
                    row["ratio"] = 1.0
                rows.append(row)
                print(describe(row), flush=True)
    finally:
        shutil.rmtree(cfg.workdir, ignore_errors=True)
        report.write(out_dir, session, rows)
    print(f"bench: wrote {out_dir}/report.md, report.json, chart.png")


if __name__ == "__main__":
    main()
