# sandbox-harness: probe
# id: fs.exec-tmp
# family: filesystem
# controls: tmpfs
# expect: report
# image: all
# tags: smoke
# summary: copies /bin/true and writes a shell script into every writable tmpfs, then tries to exec them and mmap them executable; escaped if either runs
"""Executing dropped files.

/tmp is mounted noexec: a binary or script written there must not run (EACCES) and must not be
mapped PROT_EXEC (EPERM). This is about running dropped native code; Python itself can of course
still read and run a .py file from /tmp, which noexec does not and cannot stop.

Evidence only (not the escape): whether an anonymous memfd can be executed (memfd_create + exec of
/proc/self/fd/N), a well-known way around noexec mounts that Linux allows unless
vm.memfd_noexec is set.
"""
import errno
import json
import mmap
import os
import shutil
import sys

SOURCE = "/bin/true"


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def run(path):
    """exec `path` in a child; returns "ran" or the errno name of the failed exec."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            os.execv(path, [path])
        except OSError as e:
            os.write(w, errno.errorcode.get(e.errno, str(e)).encode())
        os._exit(127)
    os.close(w)
    err = os.read(r, 64).decode()
    os.close(r)
    _, status = os.waitpid(pid, 0)
    if err:
        return err
    return "ran" if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 else "status %d" % status


def map_exec(path):
    try:
        with open(path, "rb") as f:
            m = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ | mmap.PROT_EXEC, flags=mmap.MAP_PRIVATE)
            m.close()
        return "mapped"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e))


def memfd_exec():
    if not hasattr(os, "memfd_create"):
        return "no memfd_create"
    try:
        fd = os.memfd_create("sandbox-harness", 0)
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e))
    with open(SOURCE, "rb") as f:
        os.write(fd, f.read())
    result = run("/proc/self/fd/%d" % fd)
    os.close(fd)
    return result


def writable_tmpfs():
    out = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            mnt = left.split()[4]
            if right.split()[0] == "tmpfs" and os.path.isdir(mnt) and os.access(mnt, os.W_OK):
                out.append((mnt, left.split()[5]))
    return out


def main():
    results = {}
    ran = []
    for mnt, opts in writable_tmpfs():
        binary = os.path.join(mnt, ".exec-probe-bin")
        script = os.path.join(mnt, ".exec-probe-sh")
        try:
            shutil.copyfile(SOURCE, binary)
            os.chmod(binary, 0o755)
            with open(script, "w") as f:
                f.write("#!/bin/sh\nexit 0\n")
            os.chmod(script, 0o755)
        except OSError as e:
            results[mnt] = {"setup": errno.errorcode.get(e.errno, str(e))}
            continue
        r = {"options": opts, "exec binary": run(binary), "exec script": run(script), "mmap PROT_EXEC": map_exec(binary)}
        results[mnt] = r
        for p in (binary, script):
            os.unlink(p)
        for k in ("exec binary", "exec script", "mmap PROT_EXEC"):
            if r[k] in ("ran", "mapped"):
                ran.append("%s: %s" % (mnt, k))
    detail = ("executable: " + ", ".join(ran)) if ran else "nothing written to a tmpfs could be executed"
    report(ran, detail, results=results, memfd_exec=memfd_exec())


main()
