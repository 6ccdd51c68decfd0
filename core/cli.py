"""The command line: ``python main.py <subcommand> ...``.

Each subcommand lives in its own module under ``core/commands/`` and exposes
``register(subparsers)``, which adds a parser whose ``func(args) -> int`` runs it.
Modules are listed explicitly in ``COMMAND_MODULES`` (order = order in ``--help``).
``core`` never imports ``app``: the Qt commands (``studio``, ``bench studio``) are added by
the composition root ``main.py``, which passes ``app`` modules in ``extra_modules`` /
``extra_bench_modules``.
Typed errors (``RGBTError``) and the operating system's errors (``OSError``: disk full,
permission denied, ...; ``MemoryError``; SQLite errors) are printed as one clear line
naming the path and the problem, and exit with status 2. Option values that start with
a minus sign (``--init -10,-10,20,20``) are read as values, not as options. FFmpeg's own
log lines (``moov atom not found``, ``ac-tex damaged``) are silenced (:func:`quiet_video_logs`):
the SequenceError that names the file and the frame is the one line the user reads.
When standard output's reader goes (``eval ... --json r.json | head``), the command still
writes its files, its output going to the null device, and ends with status 141
(:class:`_ReaderMayGo`).
"""
from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import re
import select
import signal
import sqlite3
import sys
import threading
import warnings
from pathlib import Path

from core.errors import RGBTError

_NEGATIVE_VALUE = re.compile(r"^-[0-9.]")

COMMAND_MODULES = (
    "core.commands.track",
    "core.commands.track_dataset",
    "core.commands.eval",
    "core.commands.convert",
    "core.commands.render",
    "core.commands.synth",
    "core.commands.compact_data",
    "core.commands.train",
    "core.commands.distill",
    "core.commands.train_family",
    "core.commands.average_weights",
    "core.commands.resize_crops",
    "core.commands.pseudo_labels",
    "core.commands.export_onnx",
    "core.commands.export_distill",
    "core.commands.import_weights",
    "core.commands.bench",
)


def build_parser(extra_modules: tuple[str, ...] = (), extra_bench_modules: tuple[str, ...] = ()) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rgbt-studio",
        description="RGB-T tracking and annotation studio. Without a subcommand the studio opens.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples (python main.py ... in a source checkout):\n"
               "  rgbt-studio                                   open the studio (the demo pair on the first run,\n"
               "                                                then the last project)\n"
               "  rgbt-studio clip.mp4                          open a video or a sequence folder in the studio\n"
               "  rgbt-studio track SEQUENCE_FOLDER --out boxes.txt\n"
               "  rgbt-studio eval boxes.txt --gt SEQUENCE_FOLDER --protocol lasher\n"
               "  rgbt-studio bench speed\n"
               "rgbt-studio COMMAND --help lists the options of COMMAND.",
    )
    parser.add_argument("--version", action="version", version=version_text(),
                        help="show the installed version and exit (for a bug report)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in extra_modules + COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name == module_name:  # not written yet
                continue
            raise
        if module_name == "core.commands.bench":
            module.register(subparsers, extra_bench_modules)
        else:
            module.register(subparsers)
    return parser


def version_text() -> str:
    """'rgbt-studio 0.1.0' as installed (``pip install -e .`` included), with the Python version
    and the platform a bug report needs; a checkout that was never installed says so.
    ``rgbt-studio --version`` was 'error: unrecognized arguments: --version'."""
    import platform
    from importlib import metadata

    try:
        version = metadata.version("rgbt-studio")
    except metadata.PackageNotFoundError:
        version = "(a source checkout, not installed)"
    return f"rgbt-studio {version} (Python {platform.python_version()}, {platform.system()} {platform.machine()})"


class Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``, a scheduler's time limit, ``docker stop``) raised in the main thread:
    the command stops as on Ctrl+C (its atomic outputs dropped, its worker processes stopped)."""


def _raise_terminated(_signum, _frame) -> None:
    raise Terminated


@contextlib.contextmanager
def sigterm_as_interrupt():
    """SIGTERM raises :class:`Terminated` inside the block (main thread, where it was not ignored
    or handled already). By default it ended the process at once: ``track-dataset --jobs 2``
    then left multiprocessing's 'There appear to be 15 leaked semaphore objects' warning and no
    word of its own, and no command said it had stopped. Training, the studio and the workers
    set their own handlers inside, as before."""
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _stopped(interrupt: BaseException | None) -> int:
    """The line and status of a command stopped by ``interrupt``: 'terminated' and 143
    (128 + SIGTERM) for :class:`Terminated`, else 'cancelled' and 130 (Ctrl+C)."""
    if isinstance(interrupt, Terminated):
        print("terminated", file=sys.stderr)
        return 143
    print("cancelled", file=sys.stderr)
    return 130


def main(
    argv: list[str] | None = None,
    extra_modules: tuple[str, ...] = (),
    extra_bench_modules: tuple[str, ...] = (),
) -> int:
    """Run the command of ``argv`` (default ``sys.argv[1:]``); the exit status. Ctrl+C is one
    ``cancelled`` line (status 130) at any moment, also while the command line is being
    built (importing every command takes seconds), not only while the command runs, and
    also when a library turned it into an error of its own (:func:`interrupted`); SIGTERM is
    one ``terminated`` line (status 143), the command stopped the same way
    (:func:`sigterm_as_interrupt`)."""
    try:
        with sigterm_as_interrupt():
            status = _main(argv, extra_modules, extra_bench_modules)
            sys.stdout.flush()  # here, where a reader that has gone is handled, not at the interpreter's exit
        return status
    except KeyboardInterrupt as interrupt:
        return _stopped(interrupt)
    except BrokenPipeError:
        if not reader_gone():
            raise
        return 141  # what a shell reports for a command its reader stopped (128 + SIGPIPE)
    except Exception as error:
        if not interrupted(error):
            raise
        return _stopped(_interrupt_of(error))  # not the library's traceback of the error it made of Ctrl+C


def reader_gone() -> bool:
    """Whether standard output is a pipe whose reader has gone (``eval ... | head``: head exits
    after its lines): then the command ends without a word, as a shell's own commands do, and
    standard output is pointed at the null device, so that the interpreter's last flush at exit
    cannot raise again. False for a broken pipe elsewhere (a worker process's): that one is an
    error. The reader is asked of the descriptor itself (``poll``: an error or hang-up on it);
    where there is no ``poll`` (Windows) a broken pipe is taken to be standard output's."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return False
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(fd, select.POLLOUT)
        if not any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0)):
            return False
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)
    except OSError:
        pass
    return True


def interrupted(error: BaseException) -> bool:
    """Whether ``error`` was raised while a Ctrl+C (KeyboardInterrupt) was being handled, or
    from one: a native library turns an interrupt during its import into its own error
    (onnxruntime: 'ImportError: initialization failed', with the KeyboardInterrupt in its
    context), which reached the user as a traceback instead of ``cancelled``."""
    return _interrupt_of(error) is not None


def _interrupt_of(error: BaseException) -> KeyboardInterrupt | None:
    """The KeyboardInterrupt (or :class:`Terminated`) in ``error``'s chain of causes, or None."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _main(argv: list[str] | None, extra_modules: tuple[str, ...], extra_bench_modules: tuple[str, ...]) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    quiet_video_logs()
    parser = build_parser(extra_modules, extra_bench_modules)
    if not argv:
        argv = ["studio"] if "studio" in _command_names(parser) else ["--help"]
    elif opens_in_studio(argv[0], _command_names(parser)) or studio_option(argv[0], parser):
        argv = ["studio", *argv]
    elif (missing := missing_studio_input(argv[0], _command_names(parser))) is not None:
        say_error(f"error: {argv[0]}: {missing}")
        return 2
    args = parser.parse_args(join_negative_values(argv, _value_options(parser)))
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    with warnings.catch_warnings(), _reader_may_go() as stdout:
        _show_notes()
        try:
            status = int(args.func(args) or 0)
            return 141 if stdout.gone else status
        except RGBTError as error:
            say_error(f"error: {error}")
            return 2
        except OSError as error:
            if isinstance(error, BrokenPipeError) and reader_gone():
                return 141
            say_error(f"error: {describe_error(error)}")
            return 2
        except MemoryError:
            say_error("error: out of memory (is a box, a frame size or a batch far too large?)")
            return 2
        except sqlite3.Error as error:
            say_error(f"error: annotation database: {error}")
            return 2


class _ReaderMayGo:
    """Standard output for the length of a command, passed through to ``stream``; when its
    reader goes (``eval ... --json r.json | head -3``; ``bench speed --json s.json | head``), the
    rest of the output goes to the null device (:func:`reader_gone`) and the command goes on to
    the files it was asked for, then ends with status 141. The first print after the reader
    went raised BrokenPipeError there and the command stopped before writing its --json /
    --plots (at once with PYTHONUNBUFFERED, as in most containers; else past the first 8 KiB)."""

    def __init__(self, stream):
        self._stream = stream
        self.gone = False

    def _guarded(self, call, *args):
        try:
            return call(*args)
        except BrokenPipeError:
            if not reader_gone():
                raise
            self.gone = True
            return None

    def write(self, text: str) -> int:
        written = self._guarded(self._stream.write, text)
        return len(text) if written is None else written

    def flush(self) -> None:
        self._guarded(self._stream.flush)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


@contextlib.contextmanager
def _reader_may_go():
    """``sys.stdout`` as :class:`_ReaderMayGo` inside the block (the stream before it after)."""
    stream = sys.stdout
    guarded = _ReaderMayGo(stream)
    sys.stdout = guarded
    try:
        yield guarded
    finally:
        if sys.stdout is guarded:
            sys.stdout = stream


def say_error(line: str) -> None:
    """``line`` on stderr; a path that is not valid UTF-8 (a folder named with a Latin-1 byte
    holds a surrogate such as ``\\udcff``) is written with the byte escaped, instead of a
    UnicodeEncodeError traceback in place of the message on a stream that takes UTF-8 only."""
    try:
        print(line, file=sys.stderr)
    except UnicodeEncodeError:
        print(line.encode("utf-8", "backslashreplace").decode("utf-8"), file=sys.stderr)


def quiet_video_logs() -> None:
    """Silence FFmpeg's log lines in OpenCV (read when OpenCV first opens a video in this
    process), unless the user chose a level in ``OPENCV_FFMPEG_LOGLEVEL``."""
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")  # AV_LOG_QUIET


def describe_error(error: OSError) -> str:
    """One line for an OSError: ``PATH: problem``."""
    from core.fileio import describe_os_error

    names = [n for n in (getattr(error, "filename", None), getattr(error, "filename2", None)) if n]
    where = " -> ".join(str(n) for n in names)
    text = describe_os_error(error)
    detail = str(error).splitlines()[0] if str(error) else ""
    if not where:
        return f"{text} ({detail})" if detail and detail != text else text
    return f"{where}: {text}"


def _show_notes() -> None:
    """CleanupNote warnings (``core.fileio``) become ``note: ...`` lines on stderr."""
    from core.fileio import CleanupNote

    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, CleanupNote):
            print(f"note: {message}", file=sys.stderr)
        else:
            print(warnings.formatwarning(message, category, filename, lineno, line), file=sys.stderr, end="")

    warnings.showwarning = show
    warnings.simplefilter("always", CleanupNote)


def _value_options(parser: argparse.ArgumentParser) -> set[str]:
    """Option strings (of every subcommand) that take exactly one value."""
    found: set[str] = set()
    stack = [parser]
    while stack:
        current = stack.pop()
        for action in current._actions:
            if isinstance(action, argparse._SubParsersAction):
                stack.extend(action.choices.values())
            elif action.option_strings and action.nargs is None and not isinstance(
                    action, (argparse._StoreConstAction, argparse._HelpAction, argparse._VersionAction,
                             argparse._CountAction)):
                found.update(o for o in action.option_strings if o.startswith("--"))
    return found


def join_negative_values(argv: list[str], options: set[str]) -> list[str]:
    """``["--init", "-10,5,20,20"]`` -> ``["--init=-10,5,20,20"]`` for value options, so a
    value that starts with a minus sign is not taken for an option."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        item = argv[i]
        if item in options and i + 1 < len(argv) and _NEGATIVE_VALUE.match(argv[i + 1]):
            out.append(f"{item}={argv[i + 1]}")
            i += 2
            continue
        out.append(item)
        i += 1
    return out


def opens_in_studio(first: str, commands: set[str]) -> bool:
    """Whether ``python main.py FIRST ...`` means ``python main.py studio FIRST ...``: FIRST is
    no command and no option but a file or folder that exists (a video, a sequence folder, a
    ``.rgbt.sqlite`` project), and the studio's command is there. Everything else goes to the
    parser as it is (a misspelt command is its one-line error)."""
    if "studio" not in commands or first in commands or first.startswith("-"):
        return False
    return Path(first).exists()


def studio_option(first: str, parser: argparse.ArgumentParser) -> bool:
    """Whether ``python main.py FIRST ...`` starts with one of the studio's own options
    (``--project PATH.rgbt.sqlite``, ``--frame-offset N``; also as ``--project=PATH``), never
    ``-h`` / ``--help``: then it means ``python main.py studio FIRST ...``. ``python main.py
    --project p.rgbt.sqlite`` was argparse's "invalid choice: 'p.rgbt.sqlite'" (the path taken
    for a misspelt command), while ``python main.py FOOTAGE --project p.rgbt.sqlite`` opened."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and "studio" in action.choices:
            options = set(action.choices["studio"]._option_string_actions) - {"-h", "--help"}
            return first.split("=", 1)[0] in options
    return False


def missing_studio_input(first: str, commands: set[str]) -> str | None:
    """What is missing when ``python main.py FIRST`` names, by its form, a file or folder to open
    that does not exist (a video's or project's suffix, a path with a folder in it): 'video file
    does not exist', ... (``core.sequences.layouts.missing_input``). It was argparse's 'invalid
    choice' with the list of commands, as for a misspelt command. None for anything else."""
    import os

    if "studio" not in commands or first in commands or first.startswith("-") or Path(first).exists():
        return None
    path = Path(first)
    if path.name.lower().endswith(".rgbt.sqlite"):
        return "project file does not exist"
    from core.sequences.sources import VIDEO_EXTENSIONS

    if path.suffix.lower() in VIDEO_EXTENSIONS or "/" in first or os.sep in first:
        from core.sequences.layouts import missing_input

        return missing_input(path)
    return None


def _command_names(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


if __name__ == "__main__":
    sys.exit(main())
