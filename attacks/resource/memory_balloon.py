# sandbox-harness: probe
# id: res.memory-balloon
# family: resource
# controls: memory
# expect: killed
# image: all
# tags: smoke
# summary: allocates and touches memory in 16 MiB steps up to a 512 MiB cap (twice the limit); escaped if it reaches the cap
"""Memory balloon with a cap.

Each step is a bytes object filled with a non-zero byte, so every page is really committed (a
zero-filled bytearray could stay untouched). With the memory limit (256 MiB, no swap) the kernel
OOM-kills the container well before the cap; a MemoryError also counts as contained. Reaching the
512 MiB cap (twice the configured limit), or holding more than the limit plus 64 MiB when the
6 s deadline passes, means no memory limit applies. Cap and deadline are kept low because
first-touch page faults are slow on small VMs.
"""
import json
import sys
import time

CAP = 512 << 20
STEP = 16 << 20
DEADLINE_S = 6.0
LIMIT_MIB = 256  # the launcher's memory limit
SLACK_MIB = 64


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    chunks = []
    total = 0
    t0 = time.monotonic()
    error = None
    try:
        while total < CAP and time.monotonic() - t0 < DEADLINE_S:
            chunks.append(b"\x5a" * STEP)
            total += STEP
    except MemoryError:
        error = "MemoryError"
    mib = total >> 20
    del chunks
    escaped = total >= CAP or (error is None and mib > LIMIT_MIB + SLACK_MIB)
    detail = ("allocated and touched %d MiB without being killed: no memory limit" % mib if escaped
              else "allocation stopped at %d MiB (%s)" % (mib, error or "deadline"))
    report(escaped, detail, mib=mib, error=error, seconds=round(time.monotonic() - t0, 3))


main()
