# sandbox-harness: probe
# id: claims.runtime-release-is-the-hosts
# family: info-leak
# controls: isolation
# expect: report
# summary: takes the kernel release it sees for the runtime's own (is_host false) and reports no escape; under runc it is the host's
import json
import os

line = {"escaped": False, "detail": "runtime-provided kernel identity (so it says)",
        "host_claims": {"kernel_release": {"seen": os.uname().release, "is_host": False}}}
print("SANDBOX-PROBE " + json.dumps(line), flush=True)
