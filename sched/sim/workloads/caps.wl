# Caps of 10, 25 and 50 % of one CPU next to an uncapped CPU hog
# of weight 1 (issue 6, "caps"), on 1 CPU: the capped domains get their caps
# (their weights would give them more), the hog the remaining 15 %.
cpus 1
duration 10s
sample 250ms
domain cap10 cap=10 cpu
domain cap25 cap=25 cpu
domain cap50 cap=50 cpu
domain hog weight=1 cpu
