# sandbox-harness: probe
# id: fs.mount-propagation
# family: filesystem
# controls: isolation
# expect: report
# image: all
# self-test: --self-test
# summary: reads the propagation tags of /proc/self/mountinfo; escaped if any mount is shared (a peer of a mount outside the container)
"""Mount propagation.

Every mount of a container should be private, or at most a slave of the host (`master:N`: host
mounts below it appear inside, nothing goes out). A `shared:N` tag makes the mount a peer of
peer group N: a mount or unmount made below it inside the container appears in every other peer,
on the host or in other containers, and theirs inside. Docker gives that only to a bind mount
asked for with `bind-propagation=shared|rshared` (or `-v ...:rshared`), which the launcher never
does; a regression (a bind mount of a shared host directory, a runtime default changed) would
show here first. The probe reports every mount with a propagation tag and is escaped on a shared
one. Only /proc/self/mountinfo is read.

`--self-test` points the very same check at a stand-in: the container's own mount table written
to /tmp with the root mount's tags replaced by `shared:1`, as a `--mount ...,bind-propagation=
rshared` of a shared host directory shows, and must report escaped.
"""
import json
import os
import sys

PATH = "/proc/self/mountinfo"


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def tags_of(line):
    """(mount point, [optional fields]) of one mountinfo line."""
    left, sep, _ = line.partition(" - ")
    if not sep:
        raise RuntimeError("not a mountinfo line: %r" % line[:200])
    fields = left.split()
    return fields[4], fields[6:]


def check(path, **extra):
    tagged, shared, total = {}, [], 0
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            total += 1
            mnt, tags = tags_of(line)
            if tags:
                tagged[mnt] = " ".join(tags)
            if any(t.startswith("shared:") for t in tags):
                shared.append(mnt)
    if total == 0:
        raise RuntimeError("%s lists no mount" % path)
    evidence = dict(path=path, mounts=total, propagation_tags=tagged, **extra)
    if shared:
        report(True, "%d shared mount(s): %s" % (len(shared), ", ".join(shared[:10])), shared=shared, **evidence)
    else:
        report(False, "no shared mount among %d (tagged: %s)" % (
            total, ", ".join("%s %s" % (m, t) for m, t in sorted(tagged.items())) or "none"), **evidence)


def main():
    if sys.argv[1:] == ["--self-test"]:
        fake = "/tmp/.mountinfo-self-test"
        with open(PATH) as src, open(fake, "w") as dst:
            for line in src:
                left, sep, right = line.partition(" - ")
                fields = left.split()
                if fields[4] == "/":
                    fields = fields[:6] + ["shared:1"]
                dst.write(" ".join(fields) + sep + right)
        try:
            check(fake, self_test=True)
        finally:
            os.unlink(fake)
        return
    check(PATH)


main()
