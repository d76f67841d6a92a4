# sandbox-harness: probe
# id: net.interfaces
# family: network
# controls: network
# expect: report
# image: all
# tags: smoke
# summary: lists network interfaces (if_nameindex, /proc/net/dev, /sys/class/net); escaped if any besides lo exists
"""Interfaces of the network namespace: with `--network none` only `lo`. No traffic is sent."""
import json
import os
import socket
import sys


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    names = set()
    sources = {}
    try:
        sources["if_nameindex"] = sorted(n for _, n in socket.if_nameindex())
    except OSError as e:
        sources["if_nameindex"] = "error: %s" % e
    try:
        with open("/proc/net/dev") as f:
            sources["proc_net_dev"] = sorted(l.split(":")[0].strip() for l in f.readlines()[2:])
    except OSError as e:
        sources["proc_net_dev"] = "error: %s" % e
    try:
        sources["sys_class_net"] = sorted(os.listdir("/sys/class/net"))
    except OSError as e:
        sources["sys_class_net"] = "error: %s" % e
    for v in sources.values():
        if isinstance(v, list):
            names.update(v)
    others = sorted(names - {"lo"})
    detail = ("interfaces besides lo: " + ", ".join(others)) if others else "only lo"
    report(others, detail, interfaces=sorted(names), sources=sources)


main()
