# sandbox-harness: probe
# id: priv.setuid-binary
# family: privilege
# controls: no-new-privileges
# expect: report
# image: all
# summary: runs the image's setuid-root passwd with a stdin that never answers and reads its effective uid; escaped if it became 0
"""Setuid binaries.

The Debian image ships setuid-root programs (passwd, su, chfn, mount, ...). Without
no_new_privileges, executing one raises the effective uid to 0 even for user nobody; with it, the
kernel ignores the setuid bit. passwd waits for the current password on stdin (a pipe nobody writes
to), so its /proc status can be read while it runs; then it is killed.
"""
import json
import os
import signal
import subprocess
import sys
import time

CANDIDATES = ["/usr/bin/passwd", "/usr/bin/chfn", "/usr/bin/su"]


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def setuid_root(path):
    try:
        st = os.stat(path)
    except OSError:
        return False
    return bool(st.st_mode & 0o4000) and st.st_uid == 0


def uids_after_exec(pid, name, deadline):
    """The uids of `pid` once it runs `name` (they are fixed at execve)."""
    while time.monotonic() < deadline:
        try:
            with open("/proc/%d/status" % pid) as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
        except OSError:
            return None
        if fields.get("Name", "").strip() == name[:15]:
            return [int(x) for x in fields["Uid"].split()]
        time.sleep(0.01)
    return None


def main():
    found = [p for p in CANDIDATES if setuid_root(p)]
    if not found:
        report(False, "no setuid-root candidate in the image", candidates=CANDIDATES)
        return
    path = found[0]
    r, w = os.pipe()
    p = subprocess.Popen([path], stdin=r, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(r)
    uids = uids_after_exec(p.pid, os.path.basename(path), time.monotonic() + 2)
    try:
        p.send_signal(signal.SIGKILL)
    except OSError:
        pass
    p.wait()
    os.close(w)
    escaped = bool(uids) and uids[1] == 0
    detail = ("%s ran with effective uid 0 (uids %s)" % (path, uids)) if escaped else \
        "%s ran with uids %s: the setuid bit was ignored" % (path, uids)
    report(escaped, detail, binary=path, uids=uids, setuid_root_binaries=found)


main()
