# sandbox-harness: workload
# id: wl.cpu-loop
# expect-stdout: primes below 2000000: 148933, sum 142913828922
# summary: counts primes below two million with a pure-Python sieve (a fraction of a second of CPU)
N = 2_000_000

sieve = bytearray([1]) * N
sieve[0] = sieve[1] = 0
for i in range(2, int(N ** 0.5) + 1):
    if sieve[i]:
        sieve[i * i::i] = bytes(len(range(i * i, N, i)))
primes = [i for i in range(N) if sieve[i]]
print("primes below %d: %d, sum %d" % (N, len(primes), sum(primes)))
