# sandbox-harness: probe
# id: priv.setuid-binary
# family: privilege
# controls: no-new-privileges
# expect: report
# image: all
# summary: runs a setuid-root program of the image (the canary image's setuid-canary, or a Debian passwd) and reads the uids it runs with; escaped if its effective uid became 0
"""Setuid binaries.

A stock Debian image ships setuid-root programs (passwd, su, chfn, mount, ...). Without
no_new_privileges, executing one raises the effective uid to 0 even for user nobody; with it, the
kernel ignores the setuid bit. The secure-python images strip every setuid bit, so there the probe
finds nothing to run and is contained by the image alone; the test-only image
secure-python-setuid-canary adds /usr/local/bin/setuid-canary (a setuid-root cat) so that
no-new-privileges itself is shown to work (the ablation's no-new-privileges row runs on it).

The uids are read only once the program's own code runs, never during its execve: the kernel
renames the process and closes its close-on-exec files before it commits the new credentials, so
/proc read at those moments still shows the old uids (a false "contained"). The canary reports on
itself: it prints its own /proc/self/status. Another candidate must first write something (passwd
and chfn print a prompt) before its /proc status is read while it waits for input nobody gives; if
it prints nothing or is gone by then, the probe cannot tell and exits 3 without a report (an error
of the case, never "contained").
"""
import json
import os
import select
import subprocess
import sys
import time

CANARY = "/usr/local/bin/setuid-canary"
# (path, arguments): the canary is a setuid-root cat and prints the status of the process it runs
# in; the others are started so that they prompt and then wait on a pipe nobody writes to.
CANDIDATES = [(CANARY, ["/proc/self/status"]), ("/usr/bin/passwd", []), ("/usr/bin/chfn", []),
              ("/usr/bin/su", [])]
WAIT_S = 5


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


def uid_line(status_text):
    """[real, effective, saved, fs] from the text of a /proc/PID/status, or None."""
    for line in status_text.splitlines():
        if line.startswith("Uid:"):
            return [int(x) for x in line.split()[1:5]]
    return None


def first_output(fd, deadline):
    """Everything the program writes until EOF or the deadline, once it has written anything."""
    data = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        data += chunk
        if b"Uid:" not in data:  # a prompt: the program's code runs, its credentials are final
            break
    return data


def uids_of(path, args):
    """(uids, how) for one run of the program; uids is None when they could not be read."""
    r, w = os.pipe()
    p = subprocess.Popen([path] + args, stdin=r, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    os.close(r)
    try:
        out = first_output(p.stdout.fileno(), time.monotonic() + WAIT_S)
        uids = uid_line(out.decode("utf-8", "replace"))
        if uids is not None:
            return uids, "reported by the program itself"
        if not out:
            return None, "the program wrote nothing within %d s" % WAIT_S
        try:
            with open("/proc/%d/status" % p.pid) as f:
                uids = uid_line(f.read())
        except OSError as e:
            return None, "the program had exited before its status could be read (%s)" % e.strerror
        return uids, "read from /proc while the program waited for input"
    finally:
        try:
            p.kill()
        except OSError:
            pass
        p.wait()
        os.close(w)


def main():
    found = [(p, args) for p, args in CANDIDATES if setuid_root(p)]
    if not found:
        report(False, "no setuid-root candidate in the image", candidates=[p for p, _ in CANDIDATES])
        return
    path, args = found[0]
    uids, how = uids_of(path, args)
    if uids is None:
        sys.stderr.write("priv.setuid-binary: cannot tell the uids of %s: %s\n" % (path, how))
        sys.exit(3)
    escaped = uids[1] == 0
    detail = ("%s ran with effective uid 0 (uids %s, %s)" % (path, uids, how)) if escaped else \
        "%s ran with uids %s (%s): the setuid bit was ignored" % (path, uids, how)
    report(escaped, detail, binary=path, uids=uids, setuid_root_binaries=[p for p, _ in found])


main()
