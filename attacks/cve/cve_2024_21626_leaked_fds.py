# sandbox-harness: probe
# id: cve.2024-21626-leaked-fds
# family: cve
# controls: isolation
# expect: report
# image: all
# self-test: --self-test
# summary: lists the descriptors and working directory the script starts with; escaped if any points outside the container (a leaked host directory or an unreachable cwd)
"""CVE-2024-21626 ("Leaky Vessels"): runc before 1.1.12 leaked a descriptor of the host's
/sys/fs/cgroup into the container; a working directory of /proc/self/fd/N then put the process in
the host's file system. The probe checks, at start: its working directory (getcwd must work and be
reachable from the container's root), and every open descriptor beyond 0-2 (and 0-2 themselves
must not be directories): a directory, or a path that does not exist as such in the container,
is a leak.

No profile weakening reproduces the leak (the launcher always sets the working directory to /tmp,
and patched runc refuses a /proc/self/fd/N working directory). `--self-test` opens a directory
descriptor of its own before the check, a stand-in for the leaked one, to show the detection works.
"""
import errno
import json
import os
import stat
import sys


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    stand_in = None
    if sys.argv[1:] == ["--self-test"]:
        stand_in = os.open("/sys/fs/cgroup", os.O_RDONLY | os.O_DIRECTORY)
        os.set_inheritable(stand_in, True)
    problems = []
    try:
        cwd = os.getcwd()
        cwd_ok = os.path.samestat(os.stat(cwd), os.stat("."))
    except OSError as e:
        cwd, cwd_ok = "getcwd failed: %s" % errno.errorcode.get(e.errno, str(e)), False
    cwd_link = os.readlink("/proc/self/cwd")
    if not cwd_ok or cwd_link.startswith("(unreachable)"):
        problems.append("working directory outside the container: %s (%s)" % (cwd_link, cwd))
    fds = {}
    for name in sorted(os.listdir("/proc/self/fd"), key=int):
        fd = int(name)
        try:
            target = os.readlink("/proc/self/fd/%d" % fd)
            st = os.fstat(fd)
        except OSError:
            continue  # the descriptor listdir itself used
        fds[fd] = target
        if stat.S_ISDIR(st.st_mode):
            problems.append("fd %d is a directory: %s" % (fd, target))
        elif fd > 2 and target.startswith("/"):
            try:
                inside = os.path.samestat(st, os.stat(target))
            except OSError:
                inside = False
            if not inside:
                problems.append("fd %d refers to %s, which is not that file in the container" % (fd, target))
    detail = "; ".join(problems) if problems else "cwd %s; descriptors %s: nothing leaked" % (cwd, sorted(fds))
    report(problems, detail, cwd=cwd, cwd_link=cwd_link, fds={str(k): v for k, v in fds.items()},
           self_test=stand_in is not None)


main()
