# sandbox-harness: probe
# id: net.tcp
# family: network
# contrls: network
# expect: report
# timeout: -3
# summary: a typo and a bad timeout
