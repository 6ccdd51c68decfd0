"""Controllers: each runs one kind of job for the window (open, track, refine, export)."""
