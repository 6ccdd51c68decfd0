"""``metrics.csv`` of a run: one row per ``log_every`` steps and at each validation step
(running means since the last row, plus validation columns when validation ran: crop-level ``val_*``, tracker-level
``track_*``), appended by rank 0 (:func:`append_metrics`); a resumed run first drops the rows
logged after its checkpoint (:func:`trim_metrics`)."""
from __future__ import annotations

import csv
from pathlib import Path

from core.errors import OutputError
from core.fileio import describe_os_error, write_text_atomic

METRIC_COLUMNS = ("step", "elapsed_s", "lr", "samples_per_s", "loss", "focal", "giou", "l1", "iou", "task",
                  "kd_feature", "kd_score", "kd_box_l1", "kd_box_giou", "val_iou", "val_sr50", "track_iou",
                  "track_sr50")


def append_metrics(path: Path, row: dict) -> None:
    """Append ``row`` to ``metrics.csv`` (the header first when the file is new); OutputError
    naming the file when it cannot be written (a full disk)."""
    try:
        _append(path, row)
    except OSError as error:
        raise OutputError(path, f"cannot write ({describe_os_error(error)})") from error


def _append(path: Path, row: dict) -> None:
    new = not path.exists()
    columns = METRIC_COLUMNS
    if not new:  # keep an existing file's columns (a resumed run written by an older version)
        with open(path, newline="", encoding="utf-8") as handle:
            header = next(csv.reader(handle), None)
        columns = tuple(header) if header else METRIC_COLUMNS
    with open(path, "a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        if new:
            writer.writeheader()
        writer.writerow({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in row.items()})


def trim_metrics(path: Path, step: int) -> None:
    """Drop the rows of ``metrics.csv`` after ``step`` (atomically; nothing when there are none):
    a run stopped (Ctrl+C, a crash) past its last checkpoint logged steps that its resume trains
    again, and the resumed rows were appended after them, each such step twice."""
    if not path.is_file():
        return
    with open(path, newline="", encoding="utf-8") as handle:
        lines = handle.read().splitlines(keepends=True)
    kept = lines[:1]
    for line in lines[1:]:
        first = line.split(",", 1)[0].strip()
        if first.isdigit() and int(first) > step:
            continue
        kept.append(line)
    if len(kept) != len(lines):
        write_text_atomic(path, "".join(kept), newline="")
