"""Benchmarks: a synthetic province and side-by-side runs against plain Pelican and Hugo."""
