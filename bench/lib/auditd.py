"""Kernel audit with Debian's auditd: its default config (logs moved to the
run's temp directory, rotation untouched), a raised backlog, and one rule for
the workload's syscalls. Everything it changes is put back afterwards."""
import contextlib
import os
import re
import subprocess

from . import procs

AUDITD = "/sbin/auditd"
AUDITCTL = "/sbin/auditctl"
CONF = "/etc/audit/auditd.conf"
BACKLOG = 65536


def audit_status():
    """Kernel audit status (enabled, pid, backlog_limit, lost, ...)."""
    out = procs.run([AUDITCTL, "-s"], check=True).stdout
    return {k: int(v) for k, v in re.findall(r"^(\w+) (\d+)", out, re.M)}


class Auditd:
    name = "auditd"

    def __init__(self, cfg):
        self.cfg = cfg
        self.mode = f"auditd default config, -b {BACKLOG}"

    def unavailable(self, workload):
        if not os.access(AUDITD, os.X_OK):
            return "not installed: apt-get install auditd failed (see bench log)"
        if os.geteuid() != 0:
            return "cannot run: needs root"
        status = audit_status()
        if status.get("pid"):
            return f"not run: an audit daemon (pid {status['pid']}) already runs; left alone"
        return None

    def rule(self, workload):
        args = ["-a", "always,exit", "-F", "arch=b64"]
        for name in workload.syscalls:
            args += ["-S", name]
        return args

    def start(self, workload, tmp):
        self.before = audit_status()
        self.logdir = os.path.join(tmp, "audit-log")
        confdir = os.path.join(tmp, "audit-conf")
        os.makedirs(self.logdir)
        os.makedirs(confdir)
        with open(CONF) as f:
            conf = re.sub(r"^log_file\s*=.*$", f"log_file = {self.logdir}/audit.log", f.read(),
                          flags=re.M)
        with open(os.path.join(confdir, "auditd.conf"), "w") as f:
            f.write(conf)
        os.chmod(os.path.join(confdir, "auditd.conf"), 0o640)
        # -n: stay in the foreground, so it is our child and stopped by pid.
        self.proc = subprocess.Popen([AUDITD, "-n", "-c", confdir],
                                     stderr=open(os.path.join(tmp, "auditd.stderr"), "w"))
        self.rule_args = self.rule(workload)
        try:
            if not procs.wait_for(lambda: audit_status().get("pid") == self.proc.pid):
                raise RuntimeError("cannot run: auditd did not register with the kernel")
            procs.run([AUDITCTL, "-b", str(BACKLOG)], check=True)
            procs.run([AUDITCTL, "-e", "1"], check=True)
            procs.run([AUDITCTL] + self.rule_args, check=True)
        except (RuntimeError, subprocess.CalledProcessError):
            self.restore()  # leave nothing behind, then report the row as failed
            raise
        self.mode = f"auditd default config, -b {BACKLOG}, rule: {' '.join(self.rule_args)}"

    def stop(self):
        # What the kernel still queues is auditd's to write: let it drain
        # before the daemon is stopped, as a clean shutdown would.
        procs.wait_for(lambda: audit_status().get("backlog", 0) == 0, timeout=30, period=0.2)
        cost = procs.usage(self.proc.pid) or {}
        cost["kernel_note"] = f"backlog up to {BACKLOG} records (size not exposed)"
        self.lost = audit_status().get("lost", 0) - self.before.get("lost", 0)
        self.restore()
        return cost

    def restore(self):
        """Deletes our rule, puts enabled/backlog back, stops our auditd.
        Each step is harmless when the change it undoes was never made."""
        procs.run([AUDITCTL, "-d"] + self.rule_args[1:])
        procs.run([AUDITCTL, "-e", str(self.before.get("enabled", 0))])
        procs.run([AUDITCTL, "-b", str(self.before.get("backlog_limit", 64))])
        procs.stop(self.proc)

    def events(self):
        """Each syscall event kept on disk, shaped like a c2audit JSON record
        (event, pid, ppid, comm, path), read with ausearch from every log file
        the rotation left, oldest first: an event cut by a rotation is joined
        again rather than counted as missing."""
        def age(name):  # audit.log.4 is the oldest, audit.log the newest
            suffix = name.rsplit(".", 1)[-1]
            return -int(suffix) if suffix.isdigit() else 0

        def lines():
            for name in sorted(os.listdir(self.logdir), key=age):
                argv = ["ausearch", "--raw", "-if", os.path.join(self.logdir, name)]
                with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                      text=True, errors="replace") as p:
                    yield from p.stdout

        yield from group_events(lines())

    def count(self, workload, result):
        recorded = sum(1 for ev in self.events() if workload.mine(ev, result))
        return recorded, self.lost


SYSCALL_NAMES = {"2": "open", "257": "openat", "437": "openat2", "85": "creat",
                 "59": "execve", "322": "execveat", "42": "connect", "43": "accept",
                 "288": "accept4", "49": "bind", "50": "listen"}
SERIAL = re.compile(r"msg=audit\([\d.]+:(\d+)\)")
FIELD = re.compile(r' (syscall|pid|ppid|comm|name)=("[^"]*"|\S+)')


def group_events(lines):
    """Folds raw records (SYSCALL, PATH, ...) into one dict per event serial."""
    current, serial = None, None
    for line in lines:
        m = SERIAL.search(line)
        if not m:
            continue
        if m.group(1) != serial:
            if current and "event" in current:
                yield current
            current, serial = {}, m.group(1)
        fields = {k: v.strip('"') for k, v in FIELD.findall(line)}
        if line.startswith("type=SYSCALL"):
            current.update(event=SYSCALL_NAMES.get(fields.get("syscall"), fields.get("syscall")),
                           pid=int(fields.get("pid", 0)), ppid=int(fields.get("ppid", 0)),
                           comm=fields.get("comm", ""))
        elif line.startswith("type=PATH") and "path" not in current and "name" in fields:
            current["path"] = fields["name"]
    if current and "event" in current:
        yield current


@contextlib.contextmanager
def tasks_without_audit_context():
    """Keeps kernel audit out of the way of a run that does not measure it.

    Once kernel audit has been enabled (by the auditd rows, or by anyone
    since boot), every task forked afterwards carries an audit context and
    pays for it on each syscall, rules or not: ~15-20% of an open storm here.
    A `never,task` rule stops new tasks from getting one. It is added for the
    run and deleted after it, unless it was there already or another audit
    daemon owns the configuration."""
    added = False
    if os.geteuid() == 0 and os.access(AUDITCTL, os.X_OK):
        rules = procs.run([AUDITCTL, "-l"]).stdout
        if "never,task" not in rules and not audit_status().get("pid"):
            added = procs.run([AUDITCTL, "-a", "never,task"]).returncode == 0
    try:
        yield
    finally:
        if added:
            procs.run([AUDITCTL, "-d", "never,task"])
