# sandbox-harness: probe
# id: priv.ptrace
# family: privilege
# controls: isolation, cap-drop
# expect: report
# image: all
# self-test: --self-test
# summary: checks CAP_SYS_PTRACE and ptrace access to every visible process outside the container's cgroup; escaped if either is there
"""ptrace.

Tracing one's own children is ordinary (PTRACE_TRACEME in a child is tried as evidence). The escape
is reaching a process the container does not own: with CAP_SYS_PTRACE any visible process can be
traced, and with a shared PID namespace host processes become visible. Access is tested the way
the kernel checks it for an attach (opening /proc/PID/mem read-only, PTRACE_MODE_ATTACH), which
neither stops nor reads the target. Processes whose /proc/PID/cgroup differs from the probe's own
are "outside".

`--self-test` (positive control where `17-isolation-privileged-root` cannot start: no other
weakening gives CAP_SYS_PTRACE to a process that can use it) forks a child (it blocks on a pipe,
with alarm(20)) and runs the very same check with one thing faked: the cgroup the check takes as the
probe's own is a made-up one that no process has, so the child, whose real /proc/PID/cgroup is read
as usual, counts as outside (the probe's own PID is left out, as it is when that comparison is
real). The access test itself is real: the kernel's ptrace attach check on a process the probe may
trace (its own child, same uid), which must make it report escaped. The child is then released and
reaped.
"""
import ctypes
import errno
import json
import os
import signal
import sys

PTRACE_TRACEME = 0
CAP_SYS_PTRACE = 19
STAND_IN_CGROUP = "0::/sandbox-harness-self-test-elsewhere\n"  # a cgroup no process has


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


def check(mine, skip=(), **extra):
    status = read("/proc/self/status") or ""
    cap_eff = int([l for l in status.splitlines() if l.startswith("CapEff")][0].split()[1], 16)
    has_cap = bool(cap_eff >> CAP_SYS_PTRACE & 1)
    outside, accessible = 0, []
    for name in os.listdir("/proc"):
        if not name.isdigit() or name in skip:
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
           outside_traceable=accessible[:50], traceme_in_child=traceme(), **extra)


def main():
    if sys.argv[1:] == ["--self-test"]:
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(w)
            signal.alarm(20)
            os.read(r, 1)  # until the parent closes its end
            os._exit(0)
        os.close(r)
        try:
            check(STAND_IN_CGROUP, skip={str(os.getpid())}, self_test=True, stand_in_pid=pid)
        finally:
            os.close(w)
            os.waitpid(pid, 0)
        return
    check(read("/proc/self/cgroup"))


main()
