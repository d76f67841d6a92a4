# sandbox-harness: probe
# id: priv.capabilities
# family: privilege
# controls: cap-drop
# expect: report
# image: all
# tags: smoke
# summary: reads the five capability sets from /proc/self/status; escaped if any is non-zero
"""Capability sets.

With `--cap-drop ALL` every set is empty, including the bounding set (so nothing, not even a setuid
binary, can ever get a capability back). A non-root user has empty effective and permitted sets
even with Docker's default capabilities, but the bounding set then still holds them: that is why
CapBnd is checked too.
"""
import json
import sys

NAMES = ["chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid", "setuid",
         "setpcap", "linux_immutable", "net_bind_service", "net_broadcast", "net_admin", "net_raw",
         "ipc_lock", "ipc_owner", "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct",
         "sys_admin", "sys_boot", "sys_nice", "sys_resource", "sys_time", "sys_tty_config", "mknod",
         "lease", "audit_write", "audit_control", "setfcap", "mac_override", "mac_admin", "syslog",
         "wake_alarm", "block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore"]


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def decode(mask):
    return [NAMES[i] if i < len(NAMES) else "cap%d" % i for i in range(64) if mask >> i & 1]


def main():
    sets = {}
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("Cap"):
                key, value = line.split(":")
                sets[key] = int(value.strip(), 16)
    nonzero = {k: decode(v) for k, v in sets.items() if v}
    if nonzero:
        detail = "; ".join("%s=%s" % (k, ",".join(v)) for k, v in sorted(nonzero.items()))
    else:
        detail = "all capability sets are empty"
    report(nonzero, detail, sets={k: "%016x" % v for k, v in sets.items()})


main()
