# sandbox-harness: probe
# id: cve.2019-5736-runc-exe
# family: cve
# controls: isolation, read-only
# expect: report
# image: all
# self-test: --self-test
# summary: write-opens (never writes) every visible /proc/PID/exe that is not a file of the container, i.e. a runtime or host binary; escaped if one opens
"""CVE-2019-5736: overwriting the host's runc through /proc/PID/exe.

A container process that could open the runtime's binary for writing while `runc exec` runs
inside the container could replace runc on the host. Fixed runc versions (1.0-rc7+) run from a
sealed memfd copy. The probe looks at /proc/self/exe, /proc/1/exe and every visible process's exe:
links that resolve to a file of the container (same device and inode as the path inside the
container) are the container's own; anything else (a memfd, a deleted or host binary, a name
containing "runc") is foreign, and is opened O_WRONLY and closed. Nothing is ever written.

No weakening on a patched host makes this escape; `--self-test` points the same check at a
writable file the probe creates, so that the detection itself is shown to work.
"""
import errno
import json
import os
import sys


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def container_file(link):
    """True when /proc/PID/exe is a file that also exists under that path in the container."""
    try:
        target = os.readlink(link)
        real = os.stat(link)
        local = os.stat(target)
    except OSError:
        return False, None
    same = (real.st_dev, real.st_ino) == (local.st_dev, local.st_ino) and "runc" not in target
    return same, target


def write_open(path):
    try:
        os.close(os.open(path, os.O_WRONLY))
        return "opened for writing"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e))


def main():
    if sys.argv[1:] == ["--self-test"]:
        fake = "/tmp/.runc-self-test"
        with open(fake, "wb") as f:
            f.write(b"\x7fELF")
        result = write_open(fake)
        os.unlink(fake)
        report(result == "opened for writing", "self-test: write-open of a stand-in runtime binary: %s" % result,
               self_test=True, results={fake: result})
        return
    results, own, unreadable = {}, [], 0
    links = ["/proc/self/exe"] + ["/proc/%s/exe" % p for p in sorted(os.listdir("/proc"), key=str) if p.isdigit()]
    for link in links:
        mine, target = container_file(link)
        if mine:
            own.append(target)
            continue
        if target is None:
            try:
                target = os.readlink(link)
            except OSError:
                unreadable += 1  # not ptrace-accessible: it cannot be opened either
                continue
        results["%s -> %s" % (link, target)] = write_open(link)
    opened = [k for k, v in results.items() if v == "opened for writing"]
    foreign = list(results)
    if opened:
        detail = "a foreign executable opened for writing: " + ", ".join(opened)
    elif foreign:
        detail = "%d foreign executables visible, none writable" % len(foreign)
    else:
        detail = "no runtime or host executable visible (%d container processes)" % len(own)
    report(opened, detail, results=results, container_exes=sorted(set(own)), unreadable_exe_links=unreadable)


main()
