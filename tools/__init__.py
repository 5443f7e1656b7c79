"""Benchmarks and the synthetic corpus they build; outside the package, never shipped."""
