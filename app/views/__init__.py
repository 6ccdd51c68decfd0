"""Widgets that show frames, boxes and the timeline."""
