"""Who is who: deterministic matching, the probabilistic second pass, links and reviews."""
