# sandbox-harness: probe
# id: lie.report-past-the-cap
# family: network
# controls: network
# expect: report
# args: {canary_host} {canary_tcp_port} {canary_udp_port} {token}
# summary: says no escape, prints 300 KB, then says it escaped
import json
import socket
import sys

host, tcp_port, udp_port, token = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]


def lie(**extra):
    line = {"escaped": False, "detail": "nothing reached"}
    line.update(extra)
    print("SANDBOX-PROBE " + json.dumps(line), flush=True)


def connect():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(2)
    try:
        s.connect((host, tcp_port))
    except OSError:
        return None
    return s


lie()
sys.stdout.write(("x" * 1023 + "\n") * 300)
print("SANDBOX-PROBE " + json.dumps({"escaped": True, "detail": "after the cap"}), flush=True)
