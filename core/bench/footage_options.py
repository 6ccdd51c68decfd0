"""The footage options shared by ``bench accuracy --real`` and ``bench safeguards``: the same
validation footage at another resolution (``--resize``, ``core.bench.resize``), at a lower frame
rate (``--frame-step``, ``core.bench.frame_step``) or through a lossy codec (``--jpeg``,
``core.bench.compression``) from a monochrome camera (``--grey-visible``, ``core.bench.grey``),
from a visible + thermal rig registered a few pixels off (``--thermal-offset``,
``core.bench.misregistration``), and runs started from a first box drawn a little off (``--init-error``,
``core.bench.init_error``). One definition of each option, and one reading of them into the
changes :func:`core.bench.real_items.real_items` takes."""
from __future__ import annotations

from core.bench.compression import FootageCompression
from core.bench.frame_step import FrameStep
from core.bench.grey import GreyVisible
from core.bench.init_error import CYCLE, SRE_ERRORS, InitErrorPlan
from core.bench.misregistration import ThermalOffset
from core.bench.resize import FootageResize
from core.commands.arguments import finite_float

#: the ``--...`` options without ``--real`` in ``bench accuracy``: (argparse dest, option)
FOOTAGE_OPTIONS = (("resize", "--resize"), ("frame_step", "--frame-step"), ("jpeg", "--jpeg"),
                   ("grey_visible", "--grey-visible"), ("thermal_offset", "--thermal-offset"),
                   ("init_error", "--init-error"))


def add_footage_options(parser) -> None:
    """Add ``--resize FACTOR``, ``--frame-step K``, ``--jpeg QUALITY``, ``--grey-visible``,
    ``--thermal-offset DX,DY`` and ``--init-error SPEC`` to ``parser`` (a parser or an argument
    group); each defaults to None (the footage as recorded, runs
    from the ground-truth box)."""
    parser.add_argument("--resize", type=finite_float, default=None, metavar="FACTOR",
                        help="scale every frame (both streams) and every box by FACTOR, e.g. 0.5: the same footage "
                             "at half the resolution, its targets half the size (core/bench/resize.py)")
    parser.add_argument("--frame-step", type=int, default=None, metavar="K",
                        help="show the trackers every K-th frame (2-10), e.g. 2: the same footage at half its frame "
                             "rate, the target moving twice as far between frames; --max-frames still counts "
                             "frames of the footage (core/bench/frame_step.py)")
    parser.add_argument("--jpeg", type=int, default=None, metavar="QUALITY",
                        help="send every frame (both streams) through a JPEG round trip at QUALITY (1-95, e.g. 40): "
                             "the same footage from a strongly compressed video (core/bench/compression.py)")
    parser.add_argument("--grey-visible", action="store_const", const=True, default=None,
                        help="turn every visible frame into its luminance (three equal channels), as a monochrome "
                             "camera or one in night mode records it; the thermal stream is unchanged "
                             "(core/bench/grey.py)")
    parser.add_argument("--thermal-offset", default=None, metavar="DX,DY",
                        help="move every thermal frame of a visible + thermal pair by DX,DY pixels (e.g. 8,0), as "
                             "two cameras registered a few pixels off record it; the visible frames and the boxes "
                             "are unchanged, single-modality footage too (core/bench/misregistration.py)")
    parser.add_argument("--init-error", default=None, metavar="SPEC",
                        help=f"start every run from its first ground-truth box drawn a little off, as OTB's spatial "
                             f"robustness evaluation does: {CYCLE} (the runs take OTB's twelve errors in turn) or "
                             f"one of {', '.join(SRE_ERRORS)} (shifts by 10%% of the box, scales about its centre); "
                             "the ground truth is unchanged (core/bench/init_error.py)")


def footage_changes(args) -> dict:
    """``{"resize", "frame_step", "compression", "grey", "thermal_offset", "init_error"}``: the changes ``args`` asks for (None
    where it asks none), as keyword arguments of ``real_items``; ConfigError for a value out of range."""
    return {"resize": None if args.resize is None else FootageResize(args.resize),
            "frame_step": None if args.frame_step is None else FrameStep(args.frame_step),
            "compression": None if args.jpeg is None else FootageCompression(args.jpeg),
            "grey": GreyVisible() if args.grey_visible else None,
            "thermal_offset": None if args.thermal_offset is None else ThermalOffset.parse(args.thermal_offset),
            "init_error": None if args.init_error is None else InitErrorPlan(args.init_error)}


def footage_payload(args) -> dict:
    """The footage options of ``args`` as a bench report's JSON keys: ``resize``, ``frame_step``,
    ``jpeg``, ``grey_visible`` (bool), ``thermal_offset`` (``[dx, dy]`` pixels or None) and
    ``init_error``, each as given (None when not)."""
    offset = None if args.thermal_offset is None else ThermalOffset.parse(args.thermal_offset)
    return {"resize": args.resize, "frame_step": args.frame_step, "jpeg": args.jpeg,
            "grey_visible": bool(args.grey_visible),
            "thermal_offset": None if offset is None else [offset.dx, offset.dy], "init_error": args.init_error}
