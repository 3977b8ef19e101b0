"""Benchmarks: `make bench` builds data at scale in a dedicated PostgreSQL database and prints figures."""
