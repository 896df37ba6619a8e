"""Pandera models: the single source of truth for every table's columns."""
