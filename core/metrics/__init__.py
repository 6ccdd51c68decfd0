"""Tracking metrics with the official RGB-T toolkits' conventions (see ``docs/metrics.md``).

Protocols (``PROTOCOLS``): ``lasher`` (PR/NPR/SR), ``rgbt234``, ``rgbt210``, ``vtuav``,
``gtot`` (MPR/MSR) and ``pytracking-lasher`` (the pytracking convention, not official).

- :func:`evaluate_folder(results_dir, gt_root, protocol) -> EvalReport`
- :func:`evaluate_arrays(protocol, results, ground_truth) -> EvalReport`
- :func:`frame_errors`, :func:`aggregate`, :func:`sequence_curves`: the steps
- :func:`save_plots(reports, out_dir)`, :func:`save_plots_by_group` (a folder per group); raw readers :func:`read_box_rows`,
  :func:`read_gtot_corners`, :func:`sequence_gt`, :func:`read_results_dir`
"""
from core.metrics.api import evaluate_folder
from core.metrics.attributes import AttributeTags, find_attributes
from core.metrics.evaluate import aggregate, evaluate_arrays, sequence_curves
from core.metrics.frames import FrameErrors, frame_errors, prepare_predictions
from core.metrics.plots import save_plots, save_plots_by_group
from core.metrics.protocols import PROTOCOLS, Protocol, get_protocol
from core.metrics.readers import SequenceGT, read_box_rows, read_gtot_corners, read_results_dir, sequence_gt
from core.metrics.report import AttributeScores, Curve, EvalReport, SequenceScores

__all__ = [
    "PROTOCOLS", "AttributeScores", "AttributeTags", "Curve", "EvalReport", "FrameErrors", "Protocol",
    "SequenceGT", "SequenceScores", "aggregate", "evaluate_arrays", "evaluate_folder", "find_attributes",
    "frame_errors", "get_protocol", "prepare_predictions", "read_box_rows", "read_gtot_corners",
    "read_results_dir", "save_plots", "save_plots_by_group", "sequence_curves", "sequence_gt",
]
