"""The auditors compared, each started fresh for one workload run and stopped
by pid afterwards. A peer that cannot run says why instead of failing."""
import json
import os
import subprocess
import time

from . import collector, procs
from .auditd import Auditd  # noqa: F401  (re-exported: one place lists every peer)

# c2auditd names its consumer threads so (src/daemon/stream_consumer.h).
CONSUMER_THREAD = "c2a-consume-"
COMPRESSOR_THREAD = "c2a-compress"  # src/trail/compression_worker.cc


def bpf_memlock_bytes(pid):
    """Kernel memory of the BPF maps a process holds open: the memlock of each
    map fd, from /proc/PID/fdinfo (each map once)."""
    seen, total = set(), 0
    fdinfo = f"/proc/{pid}/fdinfo"
    for fd in os.listdir(fdinfo):
        try:
            with open(os.path.join(fdinfo, fd)) as f:
                info = dict(line.split(":", 1) for line in f if ":" in line)
        except OSError:
            continue
        map_id = info.get("map_id", "").strip()
        if map_id and map_id not in seen:
            seen.add(map_id)
            total += int(info.get("memlock", "0").strip() or 0)
    return total


class Peer:
    name = ""
    mode = ""

    def unavailable(self, workload):
        """None when the peer can run this workload, else the reason why not."""
        return None

    def start(self, workload, tmp):
        pass

    def stop(self):
        """Stops the auditor; returns its cost (cpu, rss, kernel memory)."""
        return {}

    def count(self, workload, result):
        """(recorded, lost) for the run; None where the peer records nothing."""
        return None, None


class Baseline(Peer):
    name = "baseline"
    mode = "no auditing"


class Floor(Peer):
    name = "floor"
    mode = "do-nothing tp_btf sys_enter/sys_exit"

    def __init__(self, cfg):
        self.cfg = cfg

    def start(self, workload, tmp):
        self.proc = subprocess.Popen([self.cfg.bin("c2audit-bench-floor")], stdout=subprocess.PIPE,
                                     text=True)
        if self.proc.stdout.readline().strip() != "ready":
            raise RuntimeError(f"floor loader exited with {self.proc.wait()}")

    def stop(self):
        cost = {"kernel_bytes": bpf_memlock_bytes(self.proc.pid)}
        procs.stop(self.proc)
        self.proc.stdout.close()
        return cost


SELECTION_NOTE = "--objectives <dir>: one objective, events = <the workload's syscalls>"


def c2auditd_selection(workload, tmp):
    """How c2auditd is told what to audit: an objective file selecting the
    workload's syscalls, as an administrator would write it."""
    directory = os.path.join(tmp, "objectives")
    os.makedirs(directory, exist_ok=True)
    events = ", ".join(f'"{name}"' for name in workload.syscalls)
    with open(os.path.join(directory, "10-bench.toml"), "w") as f:
        f.write(f'[[objective]]\nname = "bench"\nevents = [{events}]\n')
    return ["--objectives", directory]


def c2auditd_defaults(cfg, tmp):
    """The embedded default objectives, written out as `objectives show
    --default` prints them, so that files in /etc/c2audit cannot change them."""
    directory = os.path.join(tmp, "objectives")
    os.makedirs(directory, exist_ok=True)
    text = procs.run([cfg.c2audit, "objectives", "show", "--default"], check=True).stdout
    with open(os.path.join(directory, "10-defaults.toml"), "w") as f:
        f.write(text)
    return ["--objectives", directory]


class C2auditd(Peer):
    """c2auditd as installed (a consumer per CPU), or with a given number of
    consumers (c2auditd-1c: one, to compare with in the same session), or
    without its second source (c2auditd-no-user-messages: kernel audit left
    off, to show what reading logins costs the audited system), or with the
    default objectives, which select none of a storm's opens
    (c2auditd-defaults: what the audited system pays for events the kernel
    filters out)."""

    def __init__(self, cfg, consumers=None, user_messages=True, defaults=False):
        self.cfg = cfg
        self.consumers = consumers
        self.user_messages = user_messages
        self.defaults = defaults
        self.name = "c2auditd" if consumers is None else f"c2auditd-{consumers}c"
        if not user_messages:  # the same, without kernel audit's user messages (and its switch)
            self.name += "-no-user-messages"
        if defaults:
            self.name += "-defaults"

    @property
    def selects(self):
        """Whether the workload's events are to be recorded."""
        return not self.defaults

    def unavailable(self, workload):
        if self.defaults and not workload.reads_only:
            return "not applicable: the default objectives select some of this workload's events"
        return None

    def start(self, workload, tmp):
        self.trail = os.path.join(tmp, "trail")
        self.socket = os.path.join(tmp, "control.sock")
        selection = (c2auditd_defaults(self.cfg, tmp) if self.defaults
                     else c2auditd_selection(workload, tmp))
        if self.consumers is not None:
            selection += ["--consumers", str(self.consumers)]
        if not self.user_messages:
            selection += ["--no-user-messages"]
        selection += self.extra_args(tmp)
        self.mode = " ".join(selection) + f" --ring-size {self.cfg.ring_mib}"
        self.stderr = open(os.path.join(tmp, "c2auditd.stderr"), "w")
        # Its own host key and seal log, beside the trail: the machine's
        # (/etc/c2audit, /var/lib/c2audit) are neither made nor touched.
        self.proc = subprocess.Popen(
            [self.cfg.build("src/daemon/c2auditd"), "--trail", self.trail, "--control-socket",
             self.socket, "--key-file", os.path.join(tmp, "host.key"), "--seal-log",
             os.path.join(tmp, "seals.log"), "--quiet", "--ring-size", str(self.cfg.ring_mib)]
            + selection,
            stderr=self.stderr)
        ready = procs.wait_for(lambda: self.proc.poll() is not None or procs.run(
            [self.cfg.c2audit, "status", "--socket", self.socket]).returncode == 0)
        if not ready or self.proc.poll() is not None:
            procs.stop(self.proc)
            raise RuntimeError(f"c2auditd did not start (see {self.stderr.name})")
        # The consumer threads (c2a-consume-N), the compressor of closed
        # segments and the main thread, which writes the daemon's own
        # records; the --overflow throttle's holders, which spin only to keep
        # producers off their CPUs, are not per record.
        self.consumer_cpu_at_ready = self.consumer_cpu()

    def extra_args(self, tmp):
        """More flags for c2auditd (a subclass's)."""
        return []

    def consumer_cpu(self):
        threads = (procs.threads_named(self.proc.pid, CONSUMER_THREAD)
                   + procs.threads_named(self.proc.pid, COMPRESSOR_THREAD) + [self.proc.pid])
        return sum(procs.cpu_seconds(self.proc.pid, tid) for tid in threads)

    def stop(self):
        cost = procs.usage(self.proc.pid) or {}
        if "cpu_s" in cost:  # the workload's share: loading the sensor is not per record
            consumer = self.consumer_cpu()
            cost["workload_cpu_s"] = round(consumer - self.consumer_cpu_at_ready, 3)
            cost["consumer_threads"] = len(procs.threads_named(self.proc.pid, CONSUMER_THREAD))
            status = procs.run([self.cfg.c2audit, "status", "--socket", self.socket, "--json"])
            if status.returncode == 0:
                s = json.loads(status.stdout)
                cost["throttle"] = {k: s.get(k) for k in ("throttle_episodes", "throttle_held_ms",
                                                           "throttle_bound_reached")}
        maps = bpf_memlock_bytes(self.proc.pid)
        cost["kernel_bytes"] = maps
        cost["kernel_note"] = f"ring {self.cfg.ring_mib} MiB (--ring-size), maps memlock"
        code = procs.stop(self.proc)
        self.stderr.close()
        if code != 0:
            raise RuntimeError(f"c2auditd exited with {code} (see {self.stderr.name})")
        return cost

    def count(self, workload, result):
        argv = [self.cfg.c2audit, "search", "--trail", self.trail] + workload.c2audit_filter(result)
        with subprocess.Popen(argv, stdout=subprocess.PIPE, text=True) as p:
            if "--json" in argv:
                recorded = sum(1 for line in p.stdout if workload.mine(json.loads(line), result))
            else:
                recorded = sum(1 for _ in p.stdout)
        out = procs.run([self.cfg.c2audit, "search", "--trail", self.trail, "--event", "lost",
                         "--json"], check=True)
        lost = sum(json.loads(line)["count"] for line in out.stdout.splitlines() if line)
        return recorded, lost


class Opensnoop(Peer):
    name = "opensnoop"
    mode = "libbpf-tools opensnoop, all processes, output to a file"
    binary = "/usr/sbin/opensnoop"
    tracefs = "/sys/kernel/tracing"

    def unavailable(self, workload):
        if not workload.opensnoop:
            return "not applicable: opensnoop traces opens only"
        if not os.access(self.binary, os.X_OK):
            return "not installed: Debian package libbpf-tools missing"
        return None

    def start(self, workload, tmp):
        # Its tracepoints are looked up in tracefs, which is not always mounted.
        self.mounted = False
        if not os.path.exists(os.path.join(self.tracefs, "events")):
            if procs.run(["mount", "-t", "tracefs", "nodev", self.tracefs]).returncode != 0:
                raise RuntimeError("cannot run: tracefs cannot be mounted")
            self.mounted = True
        self.out_path = os.path.join(tmp, "opensnoop.out")
        self.out = open(self.out_path, "w")
        self.err = open(os.path.join(tmp, "opensnoop.err"), "w+")
        self.proc = subprocess.Popen([self.binary], stdout=self.out, stderr=self.err)
        ready = procs.wait_for(lambda: self.proc.poll() is not None or self._attached())
        if not ready or self.proc.poll() is not None:
            procs.stop(self.proc)  # one still trying to attach must not outlive the row
            self.out.close()
            self._unmount()
            raise RuntimeError("cannot run: opensnoop did not attach (see opensnoop.err)")

    def _attached(self):
        """opensnoop makes its perf buffer (an epoll fd) once its programs are
        attached. Its header line is no sign: stdout to a file is buffered
        until 4 KiB of output, which a quiet machine may never produce."""
        fd_dir = f"/proc/{self.proc.pid}/fd"
        try:
            return any(os.readlink(os.path.join(fd_dir, fd)) == "anon_inode:[eventpoll]"
                       for fd in os.listdir(fd_dir))
        except OSError:
            return False

    def _unmount(self):
        if self.mounted:
            procs.run(["umount", self.tracefs])
            self.mounted = False

    def stop(self):
        cost = procs.usage(self.proc.pid) or {}
        cost["kernel_bytes"] = bpf_memlock_bytes(self.proc.pid)
        cost["kernel_note"] = "maps memlock (perf buffers not included)"
        self.proc.send_signal(2)  # SIGINT: opensnoop's own clean exit
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            procs.stop(self.proc)
        self.out.close()
        self._unmount()
        return cost

    def count(self, workload, result):
        pids = {str(p) for p in result["pids"]}
        path = getattr(workload, "path", None)
        recorded = 0
        with open(self.out_path, errors="replace") as f:
            for line in f:
                cols = line.split(None, 4)
                if len(cols) == 5 and cols[0] in pids and (not path or cols[4].strip() == path):
                    recorded += 1
        self.err.seek(0)
        lost = sum(int(w) for line in self.err for w in line.split()[1:2]
                   if line.startswith("Lost ") and w.isdigit())
        return recorded, lost


class C2auditdForward(C2auditd):
    """c2auditd forwarding its trail over RELP+TLS (or RFC 5425 syslog over
    TLS) to a local rsyslog (imrelp or imtcp, a direct queue writing one
    file), started and stopped here: what
    forwarding costs the audited system, and how fast the forwarder drains
    the backlog the workload left (records/s, from the workload's end until
    the collector acknowledged the last record)."""

    def __init__(self, cfg, protocol="relp"):
        super().__init__(cfg)
        self.protocol = protocol
        self.name = "c2auditd-forward" if protocol == "relp" else f"c2auditd-forward-{protocol}"

    def extra_args(self, tmp):
        self.collector = collector.Rsyslog(tmp, self.protocol)
        self.collector.start()
        return ["--forward", self.collector.url, "--forward-ca", self.collector.ca]

    def stop(self):
        drain = self.drain()
        try:
            cost = super().stop()
        finally:
            self.collector.stop()
        cost["forward"] = drain
        return cost

    def drain(self):
        """Waits (up to 5 min) until the last record was sent to the collector."""
        def forward_status():
            run = procs.run([self.cfg.c2audit, "status", "--socket", self.socket, "--json"])
            s = json.loads(run.stdout) if run.returncode == 0 else {}
            return s.get("last_seq", 0), (s.get("forward") or [{}])[0]
        last, f = forward_status()
        behind = max(0, last - f.get("sent_seq", 0))
        start = time.monotonic()
        while f.get("sent_seq", 0) < last and time.monotonic() - start < 300:
            time.sleep(0.2)
            _, f = forward_status()
        took = time.monotonic() - start
        return {"behind_at_end": behind, "drain_s": round(took, 2),
                "records_per_s": round(behind / took) if took > 0 else None,
                "caught_up": f.get("sent_seq", 0) >= last, "resent": f.get("resent")}
