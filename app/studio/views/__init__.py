"""Widgets that show frames, boxes, playback and the timeline."""
