# sandbox-harness: probe
# id: ast.unicode-identifiers
# family: ast-bypass
# controls: ast, network
# expect: report
# image: all
# args: {canary_host} {canary_tcp_port} {canary_udp_port} {token}
# summary: calls exec spelled in fullwidth letters (NFKC-normalised to exec by the parser) on code that connects to the loopback canary; the AST check must see through it, the network control must stop the rest
"""Unicode identifiers. Python normalises identifiers with NFKC, so a name written in fullwidth
letters is the builtin exec. The AST check works on the parsed tree, where the name is already
normalised, and rejects it; a check that matched source text would not. With the check off, the
string it runs imports socket and connects to the canary (token included)."""
import ipaddress
import json
import sys

CODE = """
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.settimeout(2)
try:
    s.connect((HOST, PORT))
    s.sendall(("SANDBOX-HARNESS ast.unicode-identifiers %s\\n" % TOKEN).encode())
    RESULT["connected"] = True
except OSError as e:
    RESULT["error"] = e.strerror or type(e).__name__
finally:
    s.close()
"""


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    host, port, token = sys.argv[1], int(sys.argv[2]), sys.argv[4]
    if not ipaddress.ip_address(host).is_loopback:
        sys.exit("refusing a non-loopback canary address: %s" % host)
    scope = {"HOST": host, "PORT": port, "TOKEN": token, "RESULT": {}}
    ｅｘｅｃ(CODE, scope)
    result = scope["RESULT"]
    detail = "exec (fullwidth) ran; connect: %s" % ("connected to the canary" if result.get("connected") else result.get("error"))
    report(result.get("connected"), detail, result=result)


main()
