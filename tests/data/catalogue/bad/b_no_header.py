import os
# sandbox-harness: probe
