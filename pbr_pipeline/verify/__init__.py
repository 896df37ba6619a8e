"""Verdicts as of a month: the as-of state, the shared gates, each programme's rule, unclaimed outcomes."""
