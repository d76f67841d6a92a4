# sandbox-harness: workload
# id: wl.argv
# args: alpha beta-2 42 --flag=x
# expect-stdout: 4 args: alpha|beta-2|42|--flag=x
# summary: prints the arguments it was given, which the launcher must pass through in order
import sys

args = sys.argv[1:]
print("%d args: %s" % (len(args), "|".join(args)))
