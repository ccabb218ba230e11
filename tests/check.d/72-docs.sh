#!/bin/sh
# Man page covers every subcommand, option and exit code; every public function has a contract comment.
BUILD=${BUILD:-build}
exec python3 tests/docs/check_docs.py "${VMXCFG:-$BUILD/vmxcfg}"
