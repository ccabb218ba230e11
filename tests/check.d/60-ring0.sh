#!/bin/sh
# Ring 0: the core, linked into a test kernel, negotiates and launches guests on every Bochs VMX model
# (`make ring0-check`; ends with "N passed, M failed").  Bochs is installed by .ci/run; without it the
# section fails in CI and is skipped (with a note) elsewhere.
if ! command -v bochs-bin >/dev/null 2>&1; then
	echo "ring0: bochs-bin not installed (apt-get install bochs bochs-term bochsbios vgabios)"
	if [ "${CI:-}" = true ]; then echo "0 passed, 1 failed"; exit 1; fi
	echo "0 passed, 0 failed"
	exit 0
fi
make -s ring0-check BUILD="${BUILD:-build}"
