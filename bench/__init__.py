"""Benchmarks: measured on this machine, written into the README by `make bench`; never asserted."""
