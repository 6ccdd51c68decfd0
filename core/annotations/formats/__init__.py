"""Annotation file formats: tolerant box text (``text``), rows <-> records (``rows``), GT
loaders per dataset layout (``groundtruth``) with the label files beside them (``label_files``)
and VTUAV's first frames (``vtuav_init``), which files are ground truth (``gt_files``),
exporters (``export``), conversion (``convert``)."""
from core.annotations.formats.export import (
    EXPORT_FORMATS,
    ExportResult,
    export_got10k,
    export_lasot,
    export_rgbt_native,
    exporter,
)
from core.annotations.formats.groundtruth import load_ground_truth, load_lasot
from core.annotations.formats.rows import format_rows, records_from_rows, rows_from_records, write_rows
from core.annotations.formats.text import parse_boxes, read_box_pairs, read_boxes, read_corners
from core.annotations.formats.vtuav_init import read_vtuav_init_frames

__all__ = [
    "EXPORT_FORMATS",
    "ExportResult",
    "export_got10k",
    "export_lasot",
    "export_rgbt_native",
    "exporter",
    "format_rows",
    "load_ground_truth",
    "load_lasot",
    "parse_boxes",
    "read_box_pairs",
    "read_boxes",
    "read_corners",
    "read_vtuav_init_frames",
    "records_from_rows",
    "rows_from_records",
    "write_rows",
]
