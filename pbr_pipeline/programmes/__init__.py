"""One module per programme: its subject, registries, rule parameters and evidence rule."""
