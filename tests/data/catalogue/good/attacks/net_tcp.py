#!/usr/bin/env python3
# sandbox-harness: probe
# id: net.tcp-canary
# family: network
# controls: network
# expect: report
# timeout: 5
# args: {canary_host} {canary_tcp_port} {token}
# tags: smoke
# summary: connects to the harness's loopback canary over TCP
#
# Prose may follow a bare '#' line.
import sys
print('SANDBOX-PROBE {"escaped": false, "detail": "test data"}')
