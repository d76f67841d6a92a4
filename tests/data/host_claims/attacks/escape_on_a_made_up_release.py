# sandbox-harness: probe
# id: claims.escape-on-a-made-up-release
# family: info-leak
# controls: isolation
# expect: report
# summary: reports an escape resting only on a kernel release no host has (is_host true)
import json

line = {"escaped": True, "detail": "host kernel visible (so it says): Linux 0.0.1-made-up",
        "host_claims": {"kernel_release": {"seen": "0.0.1-made-up", "is_host": True}}}
print("SANDBOX-PROBE " + json.dumps(line), flush=True)
