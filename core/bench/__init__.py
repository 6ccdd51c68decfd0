"""Benchmarks run by ``python main.py bench ...``; they measure, tests never time."""
