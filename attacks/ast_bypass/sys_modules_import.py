# sandbox-harness: probe
# id: ast.sys-modules-import
# family: ast-bypass
# controls: network
# expect: report
# image: all
# args: {canary_host} {canary_tcp_port} {canary_udp_port} {token}
# summary: imports socket through sys.modules["builtins"] and a built-up "__import__" name (passes the AST check), then connects to the loopback canary; escaped if the connection opens
"""builtins through sys.modules.

`sys` is not a blocked module, and sys.modules holds the builtins module; its __dict__ has
__import__ under a name the check never sees as a constant. The socket module imported that way
connects to the harness's canary on loopback with the case token: only the network control can
stop it now.
"""
import ipaddress
import json
import sys


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    host, port, token = sys.argv[1], int(sys.argv[2]), sys.argv[4]
    if not ipaddress.ip_address(host).is_loopback:
        sys.exit("refusing a non-loopback canary address: %s" % host)
    imp = sys.modules["built" + "ins"].__dict__["__imp" + "ort__"]
    net = imp("soc" + "ket")
    s = net.socket(net.AF_INET, net.SOCK_STREAM)
    s.settimeout(2)
    try:
        s.connect((host, port))
    except OSError as e:
        report(False, "socket imported past the AST check, but connect failed: %s" % (e.strerror or type(e).__name__),
               imported="socket")
        return
    s.sendall(("SANDBOX-HARNESS ast.sys-modules-import %s\n" % token).encode())
    s.close()
    report(True, "socket imported past the AST check and connected to the canary", imported="socket")


main()
