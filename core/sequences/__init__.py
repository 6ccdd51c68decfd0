"""RGB-T sequences: see ``core.sequences.base`` for the abstraction."""
from core.sequences.base import FramePair, RGBTSequence, SequenceInfo

__all__ = ["FramePair", "RGBTSequence", "SequenceInfo"]
