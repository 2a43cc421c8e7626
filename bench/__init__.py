"""Office-scale benchmark: the console's work against the fastest bare way, as ratios."""
