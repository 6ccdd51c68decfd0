"""Annotation file formats: GT loaders per dataset layout, box rows, exporters."""
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
    "records_from_rows",
    "rows_from_records",
    "write_rows",
]
