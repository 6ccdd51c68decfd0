"""``python main.py studio [VISIBLE THERMAL | SEQUENCE_FOLDER] [--project PATH]``.

Without arguments the studio opens the bundled demo pair on the first run and the last
project afterwards. ``--project`` names the annotation database (``.rgbt.sqlite``): alone
it reopens the sources recorded in it; with sources it is where their annotations go.
"""
from __future__ import annotations

from pathlib import Path


def register(subparsers) -> None:
    from core.commands.arguments import input_path

    parser = subparsers.add_parser("studio", help="open the annotation studio (the default command)",
                                   description="Open the annotation studio. Without arguments it opens the bundled "
                                   "demo pair on the first run and the last project afterwards. --project names the "
                                   "annotation database (.rgbt.sqlite): alone it reopens the sources recorded in it; "
                                   "with sources it is where their annotations go.")
    parser.add_argument("sources", nargs="*", type=input_path, metavar="SOURCE",
                        help="VISIBLE THERMAL (two videos or frame folders), one sequence folder, or one video")
    parser.add_argument("--project", type=Path, default=None, help="annotation database (.rgbt.sqlite)")
    parser.add_argument("--frame-offset", type=int, default=None,
                        help="thermal frame = visible frame + offset (default: the project's, 0 for a new one)")
    parser.set_defaults(func=run)


def usage_problem(args) -> str | None:
    """What is wrong with the command line's combination of arguments (three or more sources,
    ``--frame-offset`` without a pair), or None."""
    if len(args.sources) > 2:
        return (f"studio: give VISIBLE THERMAL, one sequence folder or video, or nothing ({len(args.sources)} paths "
                "given)")
    if getattr(args, "frame_offset", None) and len(args.sources) != 2:  # it was ignored without a word
        return ("studio: --frame-offset applies to a VISIBLE THERMAL pair given as two paths; a sequence folder or "
                "--project alone opens with the offset its project already has")
    return None


def argument_problem(args) -> str | None:
    """The one line (without 'error: ') that refuses the command line before the window opens,
    or None: :func:`usage_problem`, a SOURCE that does not exist, a ``--project`` given alone
    that does not exist or is a folder. ``python main.py clip.mp4`` said that clip.mp4 does not
    exist, in the terminal, but ``python main.py studio clip.mp4``, ``python main.py visible.mp4
    thermal.mp4`` with either missing, and ``--project`` alone opened an empty window and a
    'Cannot open' box, and a wrong combination (three paths) opened the window for an instant
    and ended with status 1, or said only that the display is missing."""
    problem = usage_problem(args)
    if problem is not None:
        return problem
    from core.sequences.layouts import missing_input

    for source in args.sources:
        if not Path(source).exists():
            what = ("project file does not exist" if Path(source).name.lower().endswith(".rgbt.sqlite")
                    else missing_input(Path(source)))
            return f"{source}: {what}"
    if args.project is not None and not args.sources:  # with sources it may be a new project's file
        if not Path(args.project).exists():
            return f"{args.project}: project file does not exist"
        if Path(args.project).is_dir():
            return f"{args.project}: --project is a folder; give the project file (.rgbt.sqlite)"
    return None


def initial_request(args, settings):
    """What the studio opens at start: the arguments, else the demo (first run), else the
    last project; None when there is nothing to open. SystemExit on :func:`usage_problem`
    (``run`` refuses it, and a missing path, before the window opens)."""
    from app.project import OpenRequest, demo_request

    problem = usage_problem(args)
    if problem is not None:
        raise SystemExit(problem)
    sources = [str(p) for p in args.sources]
    store = str(args.project) if args.project else None
    if len(sources) == 2:
        return OpenRequest("pair", tuple(sources), args.frame_offset, store=store)
    if len(sources) == 1:
        return OpenRequest("sequence", tuple(sources), store=store)
    if store:
        return OpenRequest("project", store=store)
    if not settings.first_run_done:
        return demo_request() or (OpenRequest.from_recent(settings.last_project) if settings.last_project else None)
    if settings.last_project is not None:
        return OpenRequest.from_recent(settings.last_project)
    return demo_request()


def run(args) -> int:
    import sys

    from app.platform_check import explain_import_error, platform_problem

    problem = argument_problem(args)  # before the display is looked for and the window opens
    if problem is not None:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    problem = platform_problem()  # Qt would abort the process: say what is missing instead
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    try:
        from app.qt import ensure_app
    except ImportError as error:  # e.g. libEGL.so.1 missing: QtGui cannot load
        print(explain_import_error(error), file=sys.stderr)
        return 2

    app = ensure_app()
    from app.main_window import MainWindow
    from app.settings import StudioSettings

    settings = StudioSettings.load()
    window = MainWindow(settings)
    window.show()
    app._signal_timer = close_on_signals(app)  # kept alive with the application
    request = initial_request(args, settings)
    if request is not None:
        show_first_run_hint(window, request, settings)
        window.open_request(request)
    return int(app.exec())


def close_on_signals(app):
    """Ctrl+C in the terminal (SIGINT) and ``kill`` (SIGTERM) close the windows as their close
    buttons do: a tracking run stops, the frame, zoom and window place are kept. Ctrl+C printed a
    KeyboardInterrupt traceback from whatever slot ran next and the studio went on, and SIGTERM
    ended it without its close. Qt's event loop runs no Python while idle, so a timer lets the
    interpreter see the signal within a quarter of a second; the timer is returned (keep it). A
    signal ignored at start (SIGINT of a job started in the background) stays ignored."""
    import signal

    from PySide6.QtCore import QTimer

    def close(_signum, _frame) -> None:
        app.closeAllWindows()

    for signum in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, close)
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(250)
    return timer


def hint_text(track: str = "T", attention: str = "N", help_key: str = "F1") -> str:
    """The first run's hint with the keys of Track from here, Next stretch needing attention and
    Keyboard shortcuts as bound (a key left unbound is named by its menu entry)."""
    press = f"choose {track}" if " > " in track else f"press {track}"  # an action left without a key: its menu entry
    return (f"Demo: drag a box around the target (the one warm in the thermal view), {press} to track; "
            f"{attention} jumps to where it needs a look; {help_key} lists the keys")


FIRST_RUN_HINT = hint_text()  # with the default keys
# one line that fits the status bar of the default window (about 150 characters)


def first_run_hint(request, settings) -> str | None:
    """The sentence the status bar shows when the bundled demo opens on the first run (with the
    default keys; ``window_hint`` names them as bound), else None."""
    from app.project import demo_request

    demo = demo_request()
    if settings.first_run_done or demo is None or request.kind != demo.kind or request.paths != demo.paths:
        return None
    return FIRST_RUN_HINT


def window_hint(window) -> str:
    """The first run's hint naming ``window``'s keys as bound now (it said T, N and F1 also when
    studio.ini already held other keys, and after they were rebound while it showed)."""
    from app.actions import key_text

    return hint_text(*(key_text(window.actions, name) for name in ("track", "attention", "help")))


def show_first_run_hint(window, request, settings) -> None:
    """On the first run, once the demo is open, say in the status bar what to do first (kept until the
    next status message; keys rebound while it shows are named anew, ``refresh_first_run_hint``)."""
    if first_run_hint(request, settings) is None:
        return

    def opened(_document) -> None:
        window.project_opened.disconnect(opened)
        window.first_run_hint = window_hint(window)
        window.statusBar().showMessage(window.first_run_hint)
        name, lines, _hint = window.opening_notes  # Help > Opening notes... says it again after the message
        window.opening_notes = (name, lines, True)

    window.project_opened.connect(opened)


def refresh_first_run_hint(window) -> None:
    """Keys rebound while the first run's hint is in the status bar: the hint names the new ones."""
    shown = getattr(window, "first_run_hint", None)
    if shown and window.statusBar().currentMessage() == shown:
        window.first_run_hint = window_hint(window)
        window.statusBar().showMessage(window.first_run_hint)
