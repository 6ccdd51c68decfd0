"""Glue between the window, the workers and the ``core`` jobs."""
