# sandbox-harness: probe
# id: resource.memory-balloon
# family: resource
# controls: memory
# expect: killed
# image: all
# accepted-risk: 2
# summary: allocates memory until something stops it
print("x")
