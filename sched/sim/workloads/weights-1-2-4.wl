# Three CPU-bound domains with weights 1:2:4 (issue 6, "share accuracy").
# On 1 CPU the ideal is 1/7, 2/7, 4/7; on 2 CPUs (schedsim FILE 'cpus 2')
# the weight-4 domain can use one CPU at most, so the ideal is 1/6, 2/6, 3/6.
cpus 1
duration 10s
sample 250ms
domain w1 weight=1 cpu
domain w2 weight=2 cpu
domain w4 weight=4 cpu
