# sandbox-harness: probe
# id: cve.2022-0492-release-agent
# family: cve
# controls: isolation, cap-drop
# expect: report
# image: all
# self-test: --self-test
# summary: looks for a writable cgroup release_agent, directly and after mounting a cgroup v1 hierarchy (directly, then in new user+mount+cgroup namespaces); escaped if a release_agent opens for writing
"""CVE-2022-0492: cgroup v1 release_agent.

The release_agent of a cgroup v1 hierarchy names a program the host kernel runs as root. The
attack mounts a hierarchy (directly with CAP_SYS_ADMIN, or in a new user namespace where the
kernel forgot to check) and writes release_agent. Defences: read-only /sys/fs/cgroup, no
CAP_SYS_ADMIN, seccomp refusing unshare and mount, and the kernel fix (5.17). The probe only ever
OPENS release_agent O_WRONLY and closes it: it never writes a command. Mounts are made on a
directory in /tmp, of an existing hierarchy (no new hierarchy is created), and unmounted again;
the namespaced attempt runs in a child whose namespaces die with it.

`--self-test` (positive control where `17-isolation-privileged-root` cannot start and the kernel is
fixed: no other weakening makes a release_agent writable) builds a stand-in tree in /tmp shaped like
a cgroup v1 /sys/fs/cgroup (rdma/ and memory/, each with a release_agent the probe's user may write,
plus a read-only one under pids/) and points the very same release_agent scan and verdict at it,
which must report escaped; the tree is removed again. The two mount attempts are left out there:
they mount the host's own hierarchies and cannot be pointed at a stand-in (after a mount they use the
same write-open as the scan).
"""
import ctypes
import errno
import glob
import json
import os
import shutil
import sys

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWCGROUP = 0x00020000, 0x10000000, 0x02000000
TARGET = "/tmp/.cgroup-probe"
ROOT = "/sys/fs/cgroup"
# The self-test's stand-in tree: (path under the root, mode). Empty files, as release_agent is by default.
STAND_IN = [("rdma/release_agent", 0o644), ("memory/release_agent", 0o644), ("pids/release_agent", 0o444)]


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def write_open(path):
    try:
        os.close(os.open(path, os.O_WRONLY))
        return "opened for writing"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e))


def controllers():
    """Enabled cgroup v1 controllers that already have a hierarchy (so mounting one never creates a
    new hierarchy on the host); rdma first, as in the published exploit."""
    names = []
    try:
        with open("/proc/cgroups") as f:
            for line in f:
                parts = line.split()
                if parts and not line.startswith("#") and parts[1] != "0" and parts[3] == "1":
                    names.append(parts[0])
    except OSError:
        pass
    return sorted(names, key=lambda n: n != "rdma")


def mount_and_check(libc):
    """Mounts the first mountable existing hierarchy on TARGET; returns (how, release_agent result)."""
    tried = {}
    for c in controllers():
        if libc.mount(b"cgroup", TARGET.encode(), b"cgroup", 0, c.encode()) == 0:
            agent = os.path.join(TARGET, "release_agent")
            result = write_open(agent) if os.path.exists(agent) else "no release_agent at the mount root"
            libc.umount2(TARGET.encode(), 0)
            return "mounted %s" % c, result
        tried[c] = errno.errorcode.get(ctypes.get_errno(), "?")
    return "mount refused %s" % tried, None


def in_namespaces():
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        libc = ctypes.CDLL(None, use_errno=True)
        uid, gid = os.getuid(), os.getgid()
        if libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWCGROUP) != 0:
            out = ["unshare " + errno.errorcode.get(ctypes.get_errno(), "?"), None]
        else:
            try:
                for path, text in (("/proc/self/setgroups", "deny"), ("/proc/self/uid_map", "0 %d 1" % uid),
                                   ("/proc/self/gid_map", "0 %d 1" % gid)):
                    with open(path, "w") as f:
                        f.write(text)
            except OSError:
                pass
            out = list(mount_and_check(libc))
        os.write(w, json.dumps(out).encode())
        os._exit(0)
    os.close(w)
    data = os.read(r, 4096)
    os.close(r)
    os.waitpid(pid, 0)
    return json.loads(data or b'["child failed", null]')


def scan(root):
    """Write-opens (and closes, never writing) every release_agent visible under `root`."""
    return {p: write_open(p) for p in glob.glob(os.path.join(root, "*/release_agent")) +
            glob.glob(os.path.join(root, "release_agent"))}


def judge(visible, direct, namespaced, **extra):
    opened = [p for p, v in visible.items() if v == "opened for writing"]
    if direct[1] == "opened for writing":
        opened.append("release_agent of a directly mounted hierarchy (%s)" % direct[0])
    if namespaced[1] == "opened for writing":
        opened.append("release_agent of a hierarchy mounted in a new user namespace (%s)" % namespaced[0])
    detail = ("release_agent writable: " + "; ".join(opened)) if opened else \
        "no writable release_agent (visible: %s; direct: %s; in namespaces: %s)" % (
            visible or "none", direct[0], namespaced[0])
    report(opened, detail, visible=visible, direct=list(direct), namespaced=namespaced, **extra)


def make_stand_in(root):
    for rel, mode in STAND_IN:
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        os.chmod(path, mode)


def main():
    if sys.argv[1:] == ["--self-test"]:
        fake = "/tmp/.release-agent-self-test"
        not_tried = ("not tried in self-test (mounts the host's hierarchies)", None)
        try:
            make_stand_in(fake)
            judge(scan(fake), not_tried, list(not_tried), self_test=True, stand_in=fake)
        finally:
            shutil.rmtree(fake, ignore_errors=True)
        return
    visible = scan(ROOT)
    libc = ctypes.CDLL(None, use_errno=True)
    try:
        os.mkdir(TARGET)
    except FileExistsError:
        pass
    direct = mount_and_check(libc)
    namespaced = in_namespaces()
    os.rmdir(TARGET)
    judge(visible, direct, namespaced)


main()
