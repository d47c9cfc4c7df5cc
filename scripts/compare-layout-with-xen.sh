#!/usr/bin/env bash
# scripts/compare-layout-with-xen.sh KERNEL.elf XEN_CONSOLE.log
#
# The hello PV test kernel prints what it found in start_info when Xen 4.17
# built it as dom0 (nr_pages, pt_base, nr_pt_frames, mfn_list).  This asks
# Keel's domain builder (build/pv/layout_probe) to lay out the same kernel
# with the same number of pages and fails if any figure differs.
set -euo pipefail
kernel=$1
log=$2
probe=${KEEL_LAYOUT_PROBE:-build/pv/layout_probe}

field() { tr -d '\r' < "$log" | grep -m1 -E "^  $1 " | awk '{print $2}'; }
nr_pages=$(field nr_pages)
if [ -z "$nr_pages" ]; then
	echo "compare-layout: no start_info figures in $log (not the hello kernel?)" >&2
	exit 1
fi
keel=$("$probe" "$kernel" "$nr_pages")
status=0
for name in pt_base nr_pt_frames mfn_list; do
	xen_value=$(field "$name")
	keel_value=$(echo "$keel" | grep -E "^  $name " | awk '{print $2}')
	if [ "$xen_value" = "$keel_value" ]; then
		echo "compare-layout: $name: Xen $xen_value, Keel $keel_value: same"
	else
		echo "compare-layout: $name: Xen $xen_value, Keel $keel_value: DIFFERENT"
		status=1
	fi
done
exit $status
