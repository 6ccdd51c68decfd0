"""Everything that works without a display: sequences, annotations, metrics, models, tracking, training.

Nothing under ``core`` imports Qt (checked by ``tests/core/test_no_qt.py``).
"""
