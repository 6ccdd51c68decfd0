"""The text of a box file, whatever wrote it: UTF-8 (with or without a BOM), UTF-16 with or
without a byte-order mark (Windows PowerShell's ``>``), a first line in Windows-1252 above UTF-8
lines (Excel's header of column names); anything else, or a file padded with NUL bytes, refused
naming its line."""
from __future__ import annotations

import codecs
from pathlib import Path

from core.errors import AnnotationFormatError


def read_text(path: str | Path) -> str:
    """The text of ``path``: UTF-8 (a BOM dropped), or UTF-16 when it starts with a UTF-16
    byte-order mark (what ``>`` and ``Out-File`` write in Windows PowerShell 5: a tracker's
    output redirected there) or without one (every other byte NUL); a first line in Windows-1252
    above UTF-8 lines is read so (a
    header of column names Excel saved on Windows).
    AnnotationFormatError when missing, a folder, unreadable, or holding another byte that is
    not UTF-8 (naming its line). The metrics' raw reader
    (``core.metrics.readers``) reads its files through it too."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise AnnotationFormatError(path, "file not found") from None
    except IsADirectoryError:
        raise AnnotationFormatError(path, "is a folder, expected a text file of boxes") from None
    except OSError as error:
        raise AnnotationFormatError(path, f"cannot read as text ({error})") from None
    kind = binary_kind(data)
    if kind is not None:  # it read 'holds NUL bytes, no text: a file cut short (a crash ...)' of a video
        raise AnnotationFormatError(path, f"is {kind}, not a text file of boxes")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise AnnotationFormatError(path, f"cannot read as UTF-16 text ({error.reason})") from None
    if b"\x00" in data:
        return _with_nul_bytes(path, data)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        bad = error.start
    end = data.find(b"\n")
    if 0 <= bad < end and not data.startswith(codecs.BOM_UTF8):
        # Excel on Windows saves CSV in the ANSI code page: a header of column names such as
        # X;Y;Breite;Höhe holds a Windows-1252 byte (ö = 0xf6) above rows of ASCII numbers
        try:
            first = data[:end].decode("cp1252")
        except UnicodeDecodeError:
            first = None
        if first is not None:
            try:
                return first + data[end:].decode("utf-8")
            except UnicodeDecodeError as error:
                bad = end + error.start
    raise AnnotationFormatError(path, f"not UTF-8 text (byte 0x{data[bad]:02x}); save the file as UTF-8",
                                line=data.count(b"\n", 0, bad) + 1)


#: the first bytes of the files a box file is mistaken for (footage, a studio project), by what they are
_BINARY_KINDS = ((b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
                 (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"),
                 (b"\x1a\x45\xdf\xa3", "a video (Matroska / WebM)"),
                 (b"SQLite format 3\x00", "an annotation database (a studio project, SQLite)"))


def binary_kind(data: bytes) -> str | None:
    """What ``data`` (a file's first bytes, or all of them) is when it is footage or a studio
    project by its first bytes ('a video (MP4)', 'a PNG image', ...), else None."""
    if data[4:8] == b"ftyp":
        return "a video (MP4 / MOV)"
    if data[:4] == b"RIFF" and data[8:12] == b"AVI ":
        return "a video (AVI)"
    return next((kind for magic, kind in _BINARY_KINDS if data.startswith(magic)), None)


def _with_nul_bytes(path: Path, data: bytes) -> str:
    """The text of ``data`` holding NUL bytes: UTF-16 without a byte-order mark (every other byte
    0 around ASCII text: what Python's ``utf-16-le`` or .NET's ``Encoding.Unicode.GetBytes`` write)
    decoded so; else AnnotationFormatError naming the line of the first NUL (a file cut short by a
    crash is padded with them): they read as "not a number in '\x00\x00...'"."""
    head = data[:256] if len(data) % 2 == 0 else b""
    for encoding, zeros in (("utf-16-le", head[1::2]), ("utf-16-be", head[0::2])):
        if zeros and not zeros.strip(b"\x00"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                break
    at = data.index(b"\x00")
    raise AnnotationFormatError(path, "holds NUL bytes, no text: a file cut short (a crash while it was written) or "
                                      "not a text file of boxes", line=data.count(b"\n", 0, at) + 1)
