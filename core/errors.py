"""Typed errors. Every error that concerns a file names the file and the problem.

Catch :class:`RGBTError` at the edges (CLI, studio) and show ``str(error)`` to the user.
"""
from __future__ import annotations

from pathlib import Path


class RGBTError(Exception):
    """Base class of every error this project raises on purpose."""


class FileProblem(RGBTError):
    """A problem with one file or folder: ``path`` and ``problem`` are kept for the UI.

    ``line`` is the 1-based line number for text formats, when known.
    """

    def __init__(self, path: str | Path | None, problem: str, *, line: int | None = None):
        self.path = Path(path) if path is not None else None
        self.problem = problem
        self.line = line
        where = str(self.path) if self.path is not None else "<no file>"
        if line is not None:
            where += f", line {line}"
        super().__init__(f"{where}: {problem}")


class SequenceError(FileProblem):
    """A sequence cannot be opened or a frame cannot be decoded."""


class AnnotationFormatError(FileProblem):
    """An annotation file is malformed (bad line, wrong value count, ...)."""


class ExportError(FileProblem):
    """An export could not be written."""


class OutputError(FileProblem):
    """An output path is refused before any work (an input, a folder, exists, not
    writable) or could not be written (disk full, read-only); nothing was changed."""


class CheckpointError(FileProblem):
    """A checkpoint is missing, unsafe, or does not fit the model."""


class DistillationDataError(FileProblem):
    """A distillation HDF5 file is malformed or of an unsupported schema version."""


class ConfigError(RGBTError):
    """A configuration has an unknown key or a value of the wrong type."""


class Cancelled(RGBTError):
    """A long job was cancelled by the user; whatever it committed before stays committed."""


def first_line(error: BaseException, *, limit: int | None = None) -> str:
    """The first non-blank line of an error's text, stripped, for a one-line message.

    Library errors (ONNX Runtime, torch's zip reader, h5py) often run over several lines, the
    first sometimes blank; an error with no text gives its type's name. ``limit`` cuts the
    line to that many characters, ending it with "..." when something was cut.
    """
    line = next((part.strip() for part in str(error).splitlines() if part.strip()), type(error).__name__)
    if limit is not None and len(line) > limit:
        return line[:max(limit - 3, 0)].rstrip() + "..."
    return line
