"""Benchmarks: speed and memory targets measured outside the test suite (run each module with
``python -m benchmarks.<name>``)."""
