# sandbox-harness: workload
# id: science.table
# image: science
# expect-stdout-file: table.out
# summary: prints a table
print("a b")
