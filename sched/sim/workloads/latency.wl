# Wake-up latency (issue 6): an I/O-like domain woken by an event every
# 5 ms, doing 100 us of work each time, shares its CPU with 7 CPU hogs.
# Run as is (boost on) and with 'boost off'.
cpus 1
duration 10s
sample 250ms
domain io io run=100us every=5ms
domain hog1 cpu
domain hog2 cpu
domain hog3 cpu
domain hog4 cpu
domain hog5 cpu
domain hog6 cpu
domain hog7 cpu
