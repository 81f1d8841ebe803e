"""Process helpers: start, stop by pid, and read a process's cost from /proc."""
import fcntl
import os
import shutil
import signal
import struct
import subprocess
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")


def run(argv, **kw):
    """Runs argv to completion; returns CompletedProcess with text output."""
    return subprocess.run(argv, capture_output=True, text=True, **kw)


def cpu_seconds(pid, tid=None):
    """utime + stime of a live process (all threads), or of its thread tid,
    in seconds."""
    path = f"/proc/{pid}/stat" if tid is None else f"/proc/{pid}/task/{tid}/stat"
    with open(path) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def threads_named(pid, prefix):
    """Thread ids of a live process whose name starts with prefix."""
    tids = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                if f.read().startswith(prefix):
                    tids.append(int(tid))
        except OSError:
            pass  # the thread ended meanwhile
    return tids


def memory_kib(pid):
    """Peak RSS (VmHWM) and current private RSS (RssAnon) of a live process.

    A BPF ring buffer mapped by the process counts in RSS as file pages: that
    is kernel memory, reported separately, so RssAnon is shown beside VmHWM."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmHWM", "RssAnon"):
                out[key] = int(value.split()[0])
    return out.get("VmHWM", 0), out.get("RssAnon", 0)


def usage(pid):
    """CPU seconds and memory of a live process, or None when it is gone."""
    try:
        hwm, anon = memory_kib(pid)
        return {"cpu_s": round(cpu_seconds(pid), 3), "peak_rss_kib": hwm, "rss_anon_kib": anon}
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


def stop(proc, timeout=60):
    """SIGTERM one process we started, by its pid, and wait for it."""
    if proc.poll() is not None:
        return proc.returncode
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


def wait_for(predicate, timeout=30, period=0.05):
    """Polls predicate() until it is true or the timeout passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(period)
    return False


# The inode flag ioctls of <linux/fs.h>, and the append-only flag (chattr +a)
# that c2auditd sets on its seal log and active segment.
FS_IOC_GETFLAGS, FS_IOC_SETFLAGS, FS_APPEND_FL = 0x80086601, 0x40086602, 0x20


def remove_tree(path):
    """rmtree of a directory an auditor wrote: append-only files are made
    ordinary first, which root may do, or they (and the tree) would stay."""
    for parent, _, files in os.walk(path):
        for name in files:
            try:
                fd = os.open(os.path.join(parent, name), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            except OSError:
                continue
            try:
                flags = struct.unpack("i", fcntl.ioctl(fd, FS_IOC_GETFLAGS, b"\0" * 4))[0]
                if flags & FS_APPEND_FL:
                    fcntl.ioctl(fd, FS_IOC_SETFLAGS, struct.pack("i", flags & ~FS_APPEND_FL))
            except OSError:
                pass  # a file system without the flags
            finally:
                os.close(fd)
    shutil.rmtree(path, ignore_errors=True)
