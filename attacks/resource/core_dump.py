# sandbox-harness: probe
# id: res.core-dump
# family: resource
# controls: ulimits
# expect: report
# image: all
# summary: raises RLIMIT_CORE to its hard limit in a child and aborts it; escaped if a core is dumped or the hard limit is above 0
"""Core dumps.

A core dump writes the process's memory somewhere the sandbox does not control: a file in the
working directory, or, when /proc/sys/kernel/core_pattern starts with '|', a helper program that
the host kernel runs as root outside the container. With `--ulimit core=0:0` no core is written.

The child raises its soft limit to the hard limit and calls abort(). When core_pattern is a pipe the
probe does not crash the child (a dump would run the host's helper); it decides on the hard limit
alone. Any core file left in the working directory is deleted.
"""
import glob
import json
import os
import resource
import sys


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
    inf = resource.RLIM_INFINITY
    lim = [None if v == inf else v for v in (soft, hard)]
    try:
        with open("/proc/sys/kernel/core_pattern") as f:
            pattern = f.read().strip()
    except OSError as e:
        pattern = "unreadable: %s" % e
    piped = pattern.startswith("|")
    dumped = None
    if not piped:
        pid = os.fork()
        if pid == 0:
            try:
                resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))
            except (ValueError, OSError):
                pass
            os.abort()
        _, status = os.waitpid(pid, 0)
        dumped = os.WIFSIGNALED(status) and os.WCOREDUMP(status)
        for p in glob.glob(os.path.join(os.getcwd(), "core*")):
            try:
                os.unlink(p)
            except OSError:
                pass
    escaped = bool(dumped) or hard != 0
    if dumped:
        detail = "an aborted child dumped core (core_pattern %r)" % pattern
    elif hard != 0:
        detail = "RLIMIT_CORE hard limit is %s: a process may enable core dumps" % lim[1]
    else:
        detail = "no core dumped; RLIMIT_CORE is 0:0"
    report(escaped, detail, rlimit_core=lim, core_pattern=pattern, core_dumped=dumped)


main()
