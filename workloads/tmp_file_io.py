# sandbox-harness: workload
# id: wl.tmp-file-io
# expect-stdout: wrote 4194304 bytes in 4 files, read them back: sha256 2b07811057df887086f06a67edc6ebf911de8b6741156e7a2eb1416a4b8b1b2e
# summary: writes four 1 MiB files in /tmp (the writable temp space), reads them back, prints their checksum, and deletes them
import hashlib
import os

data = bytes(range(256)) * 4096
paths = []
for i in range(4):
    path = os.path.join("/tmp", "workload-%d.bin" % i)
    with open(path, "wb") as f:
        f.write(data)
    paths.append(path)
h = hashlib.sha256()
total = 0
for path in paths:
    with open(path, "rb") as f:
        chunk = f.read()
    total += len(chunk)
    h.update(chunk)
    os.unlink(path)
print("wrote %d bytes in %d files, read them back: sha256 %s" % (total, len(paths), h.hexdigest()))
