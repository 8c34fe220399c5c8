"""Benchmarks: speed reported as ratios, side by side in one run (never timed assertions)."""
