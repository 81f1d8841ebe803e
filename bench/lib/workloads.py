"""The workloads: each runs real processes, counts what they performed on its
own, and knows which syscalls an auditor must select to see them."""
import json
import os
import re
import time

from . import procs

OPEN_CALLS = ("open", "openat", "openat2", "creat")
GREP_NEEDLE = "c2audit-bench-needle-never-found"
GREP_TREE = "/usr/include"


class Workload:
    name = ""
    syscalls = ()          # what the c2auditd objective and auditd's rule select
    opensnoop = False      # whether opensnoop sees this workload's events
    reads_only = False     # only opens for reading of files no default objective names

    def __init__(self, cfg):
        self.cfg = cfg

    def prepare(self):
        """Untimed set-up (calibration); called once before any peer runs."""

    def run(self):
        """Runs the workload once; returns ops, seconds, performed, pids..."""
        raise NotImplementedError

    def mine(self, rec, result):
        """True when a trail record (dict) is one of this run's events."""
        raise NotImplementedError


class OpenStorm(Workload):
    syscalls = ("openat",)
    opensnoop = True
    reads_only = True

    def __init__(self, cfg, threads, seconds):
        super().__init__(cfg)
        self.threads, self.seconds = threads, seconds
        self.name = f"open storm, {threads} thread{'s' if threads > 1 else ''}, {seconds:g} s"
        self.path = os.path.join(cfg.workdir, "storm-file")

    def prepare(self):
        open(self.path, "w").close()

    def run(self):
        out = procs.run([self.cfg.bin("c2audit-bench-open-storm"), "--path", self.path,
                         "--threads", str(self.threads), "--seconds", str(self.seconds)],
                        check=True)
        r = json.loads(out.stdout)
        return {"ops": r["ops"], "seconds": r["seconds"], "performed": r["ops"],
                "pids": [r["pid"]], "unit": "opens/s"}

    def c2audit_filter(self, result):
        return ["--pid", str(result["pids"][0]), "--path", self.path]

    def mine(self, rec, result):
        return rec["pid"] in result["pids"] and rec.get("path") == self.path


class ExecStorm(Workload):
    syscalls = ("execve",)

    def __init__(self, cfg, seconds):
        super().__init__(cfg)
        self.seconds = seconds
        self.name = f"exec storm, {seconds:g} s"

    def run(self):
        out = procs.run([self.cfg.bin("c2audit-bench-exec-storm"), "--seconds", str(self.seconds)],
                        check=True)
        r = json.loads(out.stdout)
        return {"ops": r["ops"], "seconds": r["seconds"], "performed": r["ops"],
                "ppid": r["pid"], "pids": [], "unit": "execs/s"}

    def c2audit_filter(self, result):
        return ["--event", "execve", "--path", "/bin/true", "--json"]

    def mine(self, rec, result):
        return rec.get("ppid") == result["ppid"] and rec.get("event") == "execve"


def strace_open_count(summary):
    """Sums the calls column of `strace -c` rows for the open family."""
    row = re.compile(r"^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)\s*$")
    total = 0
    for line in summary.splitlines():
        m = row.match(line)
        if m and m.group(2) in OPEN_CALLS:
            total += int(m.group(1))
    return total


class Grep(Workload):
    syscalls = OPEN_CALLS
    opensnoop = True
    reads_only = True

    def __init__(self, cfg, runs):
        super().__init__(cfg)
        self.runs = runs
        self.name = f"grep -r {GREP_TREE}, {runs} runs"
        self.per_run = None

    def argv(self):
        return ["/usr/bin/grep", "-r", "-c", GREP_NEEDLE, GREP_TREE]

    def prepare(self):
        # strace counts one run's opens outside the timed runs; grep over an
        # unchanged tree performs the same opens every time.
        summary = os.path.join(self.cfg.workdir, "grep-strace.txt")
        procs.run(["strace", "-f", "-qq", "-c", "-o", summary, "-e",
                   "trace=" + ",".join(OPEN_CALLS)] + self.argv())
        with open(summary) as f:
            self.per_run = strace_open_count(f.read())

    def run(self):
        pids = []
        start = time.monotonic()
        for _ in range(self.runs):
            p = procs.subprocess.Popen(self.argv(), stdout=procs.subprocess.DEVNULL)
            pids.append(p.pid)
            p.wait()
        seconds = time.monotonic() - start
        performed = self.per_run * self.runs
        return {"ops": performed, "seconds": seconds, "performed": performed, "pids": pids,
                "unit": "opens/s"}

    def c2audit_filter(self, result):
        return ["--event", ",".join(OPEN_CALLS), "--json"]

    def mine(self, rec, result):
        return rec["pid"] in result["pids"] and rec.get("event") in OPEN_CALLS


class StressMixed(Workload):
    syscalls = ("open", "openat", "openat2", "creat", "execve", "execveat", "connect",
                "accept", "accept4", "bind", "listen")

    def __init__(self, cfg, seconds):
        super().__init__(cfg)
        self.seconds = seconds
        self.name = f"stress-ng open+exec+sock, {seconds:g} s"

    def run(self):
        yaml = os.path.join(self.cfg.workdir, "stress.yaml")
        start = time.monotonic()
        # In the work dir: its open stressor leaves files in the current
        # directory whatever --temp-path says.
        procs.run(["stress-ng", "--open", "1", "--exec", "1", "--sock", "1", "--timeout",
                   f"{self.seconds:g}s", "--metrics-brief", "--yaml", yaml,
                   "--temp-path", self.cfg.workdir], check=True, cwd=self.cfg.workdir)
        seconds = time.monotonic() - start
        with open(yaml) as f:
            rates = re.findall(r"bogo-ops-per-second-real-time:\s*([\d.]+)", f.read())
        ops_per_s = sum(float(r) for r in rates)
        # stress-ng counts bogo ops, not syscalls: nothing exact to compare with.
        return {"ops": ops_per_s * self.seconds, "seconds": self.seconds, "performed": None,
                "pids": [], "unit": "bogo ops/s", "wall_s": seconds}

    def c2audit_filter(self, result):
        return ["--event", ",".join(self.syscalls), "--json"]

    def mine(self, rec, result):
        return rec.get("comm", "").startswith("stress-ng")


def all_workloads(cfg):
    cores = os.cpu_count() or 1
    q = cfg.quick
    return [
        OpenStorm(cfg, 1, 2 if q else 30),  # the issue-12 target is stated over 30 s
        OpenStorm(cfg, cores, 5 if q else 30),
        OpenStorm(cfg, 4 * cores, 5 if q else 30),  # more producers than cores: the throttle
        ExecStorm(cfg, 2 if q else 10),
        Grep(cfg, 3 if q else 20),
        StressMixed(cfg, 3 if q else 10),
    ]
