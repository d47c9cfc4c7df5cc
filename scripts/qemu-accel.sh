#!/bin/sh
# scripts/qemu-accel.sh - prints QEMU's accelerator and CPU options.
#
# KVM with the host CPU when /dev/kvm can be used, TCG with `-cpu max`
# otherwise.  KEEL_ACCEL=tcg or KEEL_ACCEL=kvm forces one.
#
# One exception: a host whose KVM is PVM (the kvm_pvm module: KVM without
# hardware virtualisation, as on some cloud machines) emulates a guest's
# ring-0 code instruction by instruction; there Keel boots ~100x slower
# than under TCG and some instructions (clac) fail to emulate, so TCG is
# chosen unless KEEL_ACCEL=kvm.  The arch-capabilities MSR is hidden from
# the guest because nested KVM hosts often refuse to set it.
case "${KEEL_ACCEL:-auto}" in
tcg) echo "-accel tcg -cpu max"; exit 0 ;;
kvm) echo "-accel kvm -cpu host,-arch-capabilities"; exit 0 ;;
esac
if [ -r /dev/kvm ] && [ -w /dev/kvm ] && [ ! -d /sys/module/kvm_pvm ]; then
	echo "-accel kvm -cpu host,-arch-capabilities"
else
	echo "-accel tcg -cpu max"
fi
