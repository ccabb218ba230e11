#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks `vmxcfg caps --json` of every embedded profile against the profile's own MSR values:
every MSR slot is present in the JSON, values match the profile, and every named bit plus every set bit of the
control MSRs is listed with the state the allowed-0/allowed-1 halves give (rules written here independently).
Usage: check_caps_json.py VMXCFG PROFILE_DIR -> prints "N passed, M failed"."""
import json, os, subprocess, sys

SLOTS = {0x3a: 'IA32_FEATURE_CONTROL', 0x480: 'IA32_VMX_BASIC', 0x481: 'IA32_VMX_PINBASED_CTLS',
         0x482: 'IA32_VMX_PROCBASED_CTLS', 0x483: 'IA32_VMX_EXIT_CTLS', 0x484: 'IA32_VMX_ENTRY_CTLS',
         0x485: 'IA32_VMX_MISC', 0x486: 'IA32_VMX_CR0_FIXED0', 0x487: 'IA32_VMX_CR0_FIXED1',
         0x488: 'IA32_VMX_CR4_FIXED0', 0x489: 'IA32_VMX_CR4_FIXED1', 0x48a: 'IA32_VMX_VMCS_ENUM',
         0x48b: 'IA32_VMX_PROCBASED_CTLS2', 0x48c: 'IA32_VMX_EPT_VPID_CAP', 0x48d: 'IA32_VMX_TRUE_PINBASED_CTLS',
         0x48e: 'IA32_VMX_TRUE_PROCBASED_CTLS', 0x48f: 'IA32_VMX_TRUE_EXIT_CTLS', 0x490: 'IA32_VMX_TRUE_ENTRY_CTLS',
         0x491: 'IA32_VMX_VMFUNC', 0x492: 'IA32_VMX_PROCBASED_CTLS3', 0x493: 'IA32_VMX_EXIT_CTLS2'}
TRUE = {0x481: 0x48d, 0x482: 0x48e, 0x483: 0x48f, 0x484: 0x490}
CONTROL32 = [0x481, 0x482, 0x483, 0x484, 0x48b]
CONTROL64 = [0x492, 0x493]

npass = nfail = 0


def check(cond, what):
    global npass, nfail
    if cond:
        npass += 1
    else:
        nfail += 1
        print('FAIL:', what)


def state32(m, idx, bit):
    v = m.get(idx, 0)
    a0, a1 = (v >> bit) & 1, (v >> (32 + bit)) & 1
    if not a0:
        return 'yes' if a1 else 'no'
    if not a1:
        return '?'
    t = TRUE.get(idx)
    basic = m.get(0x480, 0)
    if t in m and (basic >> 55) & 1 and not (m[t] >> bit) & 1 and (m[t] >> (32 + bit)) & 1:
        return 'default'
    return 'forced'


def main():
    vmxcfg, pdir = sys.argv[1], sys.argv[2]
    # every 5th profile under valgrind and the sanitizers (GOLDEN_SAMPLE=1), where a run costs 10-40 times more
    stride = 5 if os.environ.get('GOLDEN_SAMPLE') == '1' else 1
    for i, fn in enumerate(sorted(f for f in os.listdir(pdir) if f.endswith('.profile'))):
        if i % stride:
            continue
        name = fn[:-8]
        m = {}
        for line in open(os.path.join(pdir, fn)):
            f = line.split()
            if f[:1] == ['cpu']:
                break
            if len(f) == 3 and f[0] == 'msr':
                m[int(f[1], 16)] = int(f[2], 16)
        r = subprocess.run([vmxcfg, 'caps', '--cpu', name, '--json'], capture_output=True, text=True)
        check(r.returncode == 0, '%s: exit %d' % (name, r.returncode))
        try:
            j = json.loads(r.stdout)
        except ValueError:
            check(False, '%s: invalid JSON' % name)
            continue
        caps = j['cpus'][0]['caps']
        msrs = caps['msrs']
        check(set(msrs) == set(SLOTS.values()), '%s: MSR set %s' % (name, sorted(msrs)))
        for idx, sn in SLOTS.items():
            e = msrs.get(sn, {})
            check(e.get('present') == (idx in m), '%s: %s presence' % (name, sn))
            if idx in m:
                check(int(e.get('value', '-1'), 16) == m[idx], '%s: %s value' % (name, sn))
        for idx in CONTROL32 + CONTROL64:
            e = msrs[SLOTS[idx]]
            bits = {c['bit']: c['state'] for c in e.get('controls', [])}
            v = m.get(idx, 0)
            t = m.get(TRUE.get(idx, -1), 0)
            if idx in CONTROL32:
                setbits = {b for b in range(32) if ((v | t) >> b) & 1 or ((v | t) >> (32 + b)) & 1}
            else:
                setbits = {b for b in range(64) if (v >> b) & 1}
            missing = setbits - set(bits)
            check(not missing, '%s: %s set bits not shown: %s' % (name, SLOTS[idx], sorted(missing)))
            for b, st in bits.items():
                want = state32(m, idx, b) if idx in CONTROL32 else ('yes' if (v >> b) & 1 else 'no')
                check(st == want, '%s: %s bit %d state %s, expected %s' % (name, SLOTS[idx], b, st, want))
        basic = msrs['IA32_VMX_BASIC']
        if 0x480 in m:
            check(basic.get('vmcs_size') == (m[0x480] >> 32) & 0x1fff, '%s: vmcs_size' % name)
            check(basic.get('revision') == m[0x480] & 0x7fffffff, '%s: revision' % name)
        misc = msrs['IA32_VMX_MISC']
        if 0x485 in m:
            check(misc.get('msr_list_limit') == 512 * (((m[0x485] >> 25) & 7) + 1), '%s: msr_list_limit' % name)
            check(misc.get('cr3_targets') == (m[0x485] >> 16) & 0x1ff, '%s: cr3_targets' % name)
        if 0x486 in m and 0x487 in m:
            cr0 = {b['bit']: b['state'] for b in caps['cr0']['bits']}
            check(cr0.get(0) == ('fixed-1' if m[0x486] & 1 else 'flexible'), '%s: CR0.PE' % name)
            check(cr0.get(31) == 'fixed-1', '%s: CR0.PG' % name)
    print('%d passed, %d failed' % (npass, nfail))
    return 1 if nfail else 0


sys.exit(main())
