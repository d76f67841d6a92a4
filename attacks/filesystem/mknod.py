# sandbox-harness: probe
# id: fs.mknod
# family: filesystem
# controls: cap-drop, user
# expect: report
# image: all
# summary: creates a character device node (1:3, like /dev/null) in /tmp; escaped if mknod succeeds
"""mknod(2) of a device node needs CAP_MKNOD (in Docker's default set for root). A device node
is the way to a host disk or to kernel memory when the device cgroup or nodev mounts fail. The node
made here is the harmless 1:3 (null); it is never opened and is deleted at once."""
import errno
import json
import os
import stat
import sys

PATH = "/tmp/.mknod-probe"


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    try:
        os.mknod(PATH, stat.S_IFCHR | 0o600, os.makedev(1, 3))
        result = "created"
        os.unlink(PATH)
    except OSError as e:
        result = errno.errorcode.get(e.errno, str(e))
    report(result == "created", "mknod c 1 3: %s" % result, result=result)


main()
