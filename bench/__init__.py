"""Benchmarks, run outside the test suite with `make bench` (`python -m bench`)."""
