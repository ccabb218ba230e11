/* SPDX-License-Identifier: MIT */
/* vmxcfg: Intel VMX capability negotiation, explained.  Umbrella header of the freestanding core. */
#ifndef VMXCFG_VMXCFG_H
#define VMXCFG_VMXCFG_H

#define VMXCFG_VERSION "0.1.0"

#include "snapshot.h"
#include "bits.h"
#include "kvm.h"
#include "params.h"
#include "nested.h"
#include "policy.h"
#include "release.h"

#endif
