"""One pandera model per administrative registry."""
