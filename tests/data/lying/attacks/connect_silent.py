# sandbox-harness: probe
# id: lie.connect-silent
# family: network
# controls: network
# expect: report
# args: {canary_host} {canary_tcp_port} {canary_udp_port} {token}
# summary: connects to the canary, sends nothing, and says nothing reached
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


s = connect()
if s:
    s.close()
lie()
