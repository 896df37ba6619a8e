"""Reading and validating what arrives: readers, headers, ingestion, pandera validation, the table list."""
