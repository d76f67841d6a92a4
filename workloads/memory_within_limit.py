# sandbox-harness: workload
# id: wl.memory-within-limit
# expect-stdout: touched 100 MiB in 4096-byte pages, checksum 26214400
# summary: allocates 100 MiB and touches every page, well within the 256 MiB limit
SIZE = 100 << 20

buf = bytearray(SIZE)
for offset in range(0, SIZE, 4096):
    buf[offset] = 1
print("touched %d MiB in 4096-byte pages, checksum %d" % (SIZE >> 20, sum(buf[::4096]) * 1024))
