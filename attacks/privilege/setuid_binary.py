# sandbox-harness: probe
# id: priv.setuid-binary
# family: privilege
# controls: no-new-privileges
# expect: report
# image: all
# summary: runs a setuid-root program of the image (the canary image's setuid-canary, or a Debian passwd) and reads its effective uid; escaped if it became 0
"""Setuid binaries.

A stock Debian image ships setuid-root programs (passwd, su, chfn, mount, ...). Without
no_new_privileges, executing one raises the effective uid to 0 even for user nobody; with it, the
kernel ignores the setuid bit. The secure-python images strip every setuid bit, so there the probe
finds nothing to run and is contained by the image alone; the test-only image
secure-python-setuid-canary adds /usr/local/bin/setuid-canary (a setuid-root sleep) so that
no-new-privileges itself is shown to work (the ablation's no-new-privileges row runs on it).
The program is started so that it waits (sleep 5; passwd reads a password from a pipe nobody
writes to), its /proc status is read while it runs, and then it is killed.
"""
import json
import os
import signal
import subprocess
import sys
import time

# (path, arguments that keep it waiting)
CANDIDATES = [("/usr/local/bin/setuid-canary", ["5"]), ("/usr/bin/passwd", []), ("/usr/bin/chfn", []),
              ("/usr/bin/su", [])]


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
    found = [(p, args) for p, args in CANDIDATES if setuid_root(p)]
    if not found:
        report(False, "no setuid-root candidate in the image", candidates=[p for p, _ in CANDIDATES])
        return
    path, args = found[0]
    r, w = os.pipe()
    p = subprocess.Popen([path] + args, stdin=r, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
    report(escaped, detail, binary=path, uids=uids, setuid_root_binaries=[p for p, _ in found])


main()
