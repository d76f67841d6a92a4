# sandbox-harness: probe
# id: claims.escape-on-the-real-release
# family: info-leak
# controls: isolation
# expect: report
# summary: reports an escape on the kernel release it sees (is_host true); under runc it is the host's, so the escape stands
import json
import os

release = os.uname().release
line = {"escaped": True, "detail": "host kernel visible: Linux " + release,
        "host_claims": {"kernel_release": {"seen": release, "is_host": True}}}
print("SANDBOX-PROBE " + json.dumps(line), flush=True)
