"""Benchmarks: `make bench` runs them and writes docs/PERFORMANCE.md. They measure; tests never time."""
