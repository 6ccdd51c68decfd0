"""Precision and success plots (matplotlib, Agg canvas, no global backend change), atomic PNGs."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from core.fileio import atomic_path
from core.metrics.report import EvalReport

_LABELS = {"PR": "Location error threshold (px)", "MPR": "Location error threshold (px)",
           "NPR": "Normalized location error threshold", "SR": "Overlap threshold", "MSR": "Overlap threshold"}


def save_plots(reports: Sequence[EvalReport], out_dir: str | Path) -> list[Path]:
    """One PNG per curve kind (``<protocol>_<PR|NPR|SR|MPR|MSR>.png``) with every tracker.

    All ``reports`` must share one protocol (it is in the file names and titles).
    Returns the written paths.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if not reports:
        return []
    protocol = reports[0].protocol
    if any(r.protocol != protocol for r in reports):
        raise ValueError("save_plots: reports use different protocols; plot them separately")
    out_dir = Path(out_dir)
    written = []
    for name in reports[0].curves:
        ranked = sorted(reports, key=lambda r: r.scores[name], reverse=True)
        fig = Figure(figsize=(6, 4.5), dpi=100)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot(1, 1, 1)
        for r in ranked:
            c = r.curves[name]
            ax.plot(c.thresholds, c.values, linewidth=2, label=f"{r.tracker} [{r.scores[name]:.3f}]")
        ax.set_xlabel(_LABELS.get(name, "threshold"))
        ax.set_ylabel("Success rate" if name in ("SR", "MSR") else "Precision")
        ax.set_ylim(0, 1)
        ax.set_xlim(float(c.thresholds[0]), float(c.thresholds[-1]))
        ax.grid(True, alpha=0.3)
        ax.set_title(f"{name} plot, protocol {protocol}")
        ax.legend(loc="lower left" if name in ("SR", "MSR") else "lower right", fontsize=8)
        target = out_dir / f"{protocol}_{name}.png"
        with atomic_path(target, suffix=".png") as tmp:
            fig.savefig(tmp, format="png")
        written.append(target)
    return written


def save_plots_by_group(reports: dict[str, Sequence[EvalReport]], out_dir: str | Path) -> list[Path]:
    """:func:`save_plots` for each group of ``reports`` (a dataset, or a modality) into its own
    folder: ``out_dir/<group>/<protocol>_<PR|NPR|SR>.png``, folders made as needed. Returns the
    written paths."""
    written = []
    for group, group_reports in reports.items():
        folder = Path(out_dir) / group
        folder.mkdir(parents=True, exist_ok=True)
        written += save_plots(group_reports, folder)
    return written
