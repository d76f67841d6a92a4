# sandbox-harness: probe
# id: priv.ptrace
# family: privilege
# controls: isolation, cap-drop
# expect: report
# image: all
# summary: checks CAP_SYS_PTRACE and ptrace access to every visible process outside the container's cgroup; escaped if either is there
"""ptrace.

Tracing one's own children is ordinary (PTRACE_TRACEME in a child is tried as evidence). The escape
is reaching a process the container does not own: with CAP_SYS_PTRACE any visible process can be
traced, and with a shared PID namespace host processes become visible. Access is tested the way
the kernel checks it for an attach (opening /proc/PID/mem read-only, PTRACE_MODE_ATTACH), which
neither stops nor reads the target. Processes whose /proc/PID/cgroup differs from the probe's own
are "outside".
"""
import ctypes
import errno
import json
import os
import sys

PTRACE_TRACEME = 0
CAP_SYS_PTRACE = 19


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def traceme():
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        rc = libc.ptrace(PTRACE_TRACEME, 0, None, None)
        os.write(w, b"ok" if rc == 0 else errno.errorcode.get(ctypes.get_errno(), "?").encode())
        os._exit(0)
    os.close(w)
    out = os.read(r, 64).decode()
    os.close(r)
    os.waitpid(pid, 0)
    return out


def main():
    status = read("/proc/self/status") or ""
    cap_eff = int([l for l in status.splitlines() if l.startswith("CapEff")][0].split()[1], 16)
    has_cap = bool(cap_eff >> CAP_SYS_PTRACE & 1)
    mine = read("/proc/self/cgroup")
    outside, accessible = 0, []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        cg = read("/proc/%s/cgroup" % name)
        if cg is None or cg == mine:
            continue
        outside += 1
        try:
            os.close(os.open("/proc/%s/mem" % name, os.O_RDONLY))
            comm = (read("/proc/%s/comm" % name) or "?").strip()
            accessible.append("%s(%s)" % (name, comm))
        except OSError:
            pass
    escaped = has_cap or bool(accessible)
    parts = []
    if has_cap:
        parts.append("CAP_SYS_PTRACE is effective")
    if accessible:
        parts.append("ptrace access to %d outside processes: %s" % (len(accessible), ", ".join(accessible[:10])))
    detail = "; ".join(parts) if parts else "no CAP_SYS_PTRACE; %d outside processes visible, none traceable" % outside
    report(escaped, detail, cap_sys_ptrace=has_cap, outside_visible=outside,
           outside_traceable=accessible[:50], traceme_in_child=traceme())


main()
