"""Shared ground of the engine: months, stable ids, subject keys, the warehouse on disk, settings."""
