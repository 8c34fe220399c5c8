"""Seed data (YAML in `seed/data/`) and the loaders that read, check and load it."""
