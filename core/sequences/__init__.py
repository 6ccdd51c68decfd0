"""RGB-T sequences: see ``core.sequences.base`` for the abstraction.

``open_pair(visible, thermal)`` opens two videos or two image folders;
``open_sequence(folder)`` opens a dataset sequence folder (layout auto-detected by
``detect_layout(folder)``).
"""
from core.sequences.base import FramePair, RGBTSequence, SequenceInfo
from core.sequences.layouts import detect_layout
from core.sequences.open_folder import open_sequence
from core.sequences.open_pair import open_pair
from core.sequences.pair import PairSequence

__all__ = ["FramePair", "PairSequence", "RGBTSequence", "SequenceInfo", "detect_layout", "open_pair",
           "open_sequence"]
