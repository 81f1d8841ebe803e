"""The machine a session ran on, in one line: figures compare only within one
session, and hosts differ (an AMD EPYC with the SRSO mitigation makes a
syscall ~2.5x dearer than an Intel Xeon without it)."""
import os
import platform

VULNERABILITIES = "/sys/devices/system/cpu/vulnerabilities"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def mitigations():
    """Each vulnerability the kernel mitigates, with how: 'spec_rstack_overflow:
    Mitigation: Safe RET'. Those it is not affected by are left out."""
    found = []
    try:
        names = sorted(os.listdir(VULNERABILITIES))
    except OSError:
        return ["unknown (no " + VULNERABILITIES + ")"]
    for name in names:
        try:
            with open(os.path.join(VULNERABILITIES, name)) as f:
                state = f.read().strip()
        except OSError:
            continue
        if state != "Not affected":
            found.append(f"{name}: {state}")
    return found


def describe():
    return (f"{cpu_model()}, {os.cpu_count()} cores, kernel {platform.release()}, load average "
            f"{os.getloadavg()[0]:.1f} at start; mitigations: {'; '.join(mitigations()) or 'none'}")
