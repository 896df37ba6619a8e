"""pbr-pipeline: verifies outcome claims against administrative registries and computes what the city pays."""
