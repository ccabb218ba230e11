#!/usr/bin/env python3
"""Write the binary seed corpora of fuzz_kvm and fuzz_vmcs from data/profiles/*.profile.

Layout as in fuzz/fuzz_common.h: u32 msr_present, u32 cpuid_present, 21 x u64 MSRs (slot order: 0x3a,
0x480..0x493), then for each leaf of LEAVES four u32 registers.  fuzz_kvm appends one flags byte;
fuzz_vmcs appends mode=1 (start from KVM's fields), the policy index, maxphyaddr, flags and zero XOR deltas.
Usage: python3 fuzz/mkseeds.py   (from the top directory; rewrites fuzz/corpus/{kvm,vmcs}/)."""
import glob, os, struct

LEAVES = [(0x0, 0), (0x1, 0), (0x7, 0), (0x12, 0), (0x80000000, 0), (0x80000008, 0)]
SLOTS = [0x3a] + list(range(0x480, 0x494))


def snap(path):
    msr, cpuid = {}, {}
    for line in open(path):
        w = line.split()
        if not w or w[0].startswith('#'):
            continue
        if w[0] == 'cpu':
            break  # first CPU's records only
        if w[0] == 'msr':
            msr[int(w[1], 16)] = int(w[2], 16)
        elif w[0] == 'cpuid':
            cpuid[(int(w[1], 16), int(w[2], 16))] = [int(x, 16) for x in w[3:7]]
    present = sum(1 << i for i, m in enumerate(SLOTS) if m in msr)
    cpresent = sum(1 << i for i, l in enumerate(LEAVES) if l in cpuid)
    b = struct.pack('<II', present, cpresent)
    b += b''.join(struct.pack('<Q', msr.get(m, 0)) for m in SLOTS)
    b += b''.join(struct.pack('<4I', *cpuid.get(l, [0, 0, 0, 0])) for l in LEAVES)
    return b


def main():
    for h in ('kvm', 'vmcs'):
        os.makedirs('fuzz/corpus/' + h, exist_ok=True)
        for f in glob.glob('fuzz/corpus/%s/*.bin' % h):
            os.remove(f)
    for n, p in enumerate(sorted(glob.glob('data/profiles/*.profile'))):
        name = os.path.basename(p)[:-len('.profile')]
        s = snap(p)
        open('fuzz/corpus/kvm/%s.bin' % name, 'wb').write(s + bytes([n % 8]))
        tail = bytes([1, n % 9, 39 if n % 2 else 46, 0]) + bytes(8 + 8 * 44)
        open('fuzz/corpus/vmcs/%s.bin' % name, 'wb').write(s + tail)


main()
