# sandbox-harness: workload
# id: lie.self-made-overload
# timeout: 3
# expect-stdout: done
# summary: overloads the host by itself with 40 threads that hash outside the GIL until its timeout, then passes when run again (it tells the second run by its cgroup parent, sh-...r, in /proc/self/cgroup): its own load must not earn it a re-run
import hashlib
import threading


def second_run():
    try:
        with open("/proc/self/cgroup") as f:
            return any(part.startswith("sh-") and part.endswith("r") for line in f for part in line.strip().split("/"))
    except OSError:
        return False


if second_run():
    print("done")
else:
    block = b"\x01" * (1 << 20)

    def hash_forever():
        while True:
            hashlib.sha256(block).digest()  # releases the GIL for data this large

    for _ in range(40):
        threading.Thread(target=hash_forever, daemon=True).start()
    threading.Event().wait()
