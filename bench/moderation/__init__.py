"""Benchmarks of the moderation app (context-note scoring)."""
