"""Per-frame annotations: records, the SQLite store, undo commands, interpolation, formats."""
from core.annotations.records import FrameAnnotation, Provenance

__all__ = ["FrameAnnotation", "Provenance"]
