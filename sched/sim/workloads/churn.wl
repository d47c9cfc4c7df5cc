# A changing machine, for the plot in docs/scheduler.md: two CPUs, a
# 2-vCPU domain and a single-vCPU one; a third domain arrives at 4 s, is
# capped at 6 s and leaves at 12 s; the first is re-weighted at 8 s; an
# I/O domain wakes every 4 ms throughout.
cpus 2
duration 15s
sample 250ms
domain web weight=256 vcpus=2 cpu
domain db weight=512 cpu
domain io io run=300us every=4ms jitter=0.5
at 4s domain batch weight=256 vcpus=2 cpu
at 6s set batch cap=20
at 8s set web weight=768
at 12s remove batch
