"""``python main.py studio [VISIBLE THERMAL | SEQUENCE_FOLDER] [--project PATH]``.

Without arguments the studio opens the bundled demo pair on the first run and the last
project afterwards. ``--project`` names the annotation store (``.rgbt.sqlite``): alone it
reopens the footage recorded in it; with footage it is where its annotations go.
"""
from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser("studio", help="open the annotation studio (the default command)",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                        help="VISIBLE THERMAL (two videos or frame folders) or one sequence folder")
    parser.add_argument("--project", type=Path, default=None, help="annotation store (.rgbt.sqlite)")
    parser.add_argument("--frame-offset", type=int, default=0, help="thermal frame = visible frame + offset")
    parser.set_defaults(func=run)


def initial_open(paths: list[Path], project: Path | None, frame_offset: int, settings):
    """(source, store_path) to open at start, or None for an empty window.

    Arguments first; else the last project; else the demo pair (first run).
    """
    from app.studio.sources import Source, demo_source, source_from_paths

    if paths:
        source = source_from_paths(paths)
        if source.kind == "pair" and frame_offset:
            source = Source.pair(*source.paths, frame_offset=frame_offset)
        return source, project
    if project is not None:
        return None, project
    last = settings.last_project()
    if last is not None:
        return None, Path(last)
    demo = demo_source()
    return (demo, None) if all(Path(p).exists() for p in demo.paths) else None


def run(args) -> int:
    from app.studio.env import application

    app = application()
    from app.studio.settings import StudioSettings
    from app.studio.window import MainWindow

    settings = StudioSettings()
    window = MainWindow(settings)
    window.show()
    try:
        start = initial_open(list(args.paths), args.project, args.frame_offset, settings)
    except ValueError as error:
        window.show_error("Cannot open", error)
        start = None
    if start is not None:
        window.open_source(*start)
    return int(app.exec())
