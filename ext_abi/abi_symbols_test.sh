#!/bin/sh
# Fails if ext_abi/abi_symbols.c (the list of what libftrt.so must export)
# no longer matches what Python.h declares. Fix: run
#   python3 ext_abi/gen_abi_symbols.py --write
set -eu
exec python3 ext_abi/gen_abi_symbols.py --check
