"""Before Qt starts: can its platform plugin load here? If not, say which system
libraries are missing and the ``apt-get`` line that installs them.

Qt aborts the whole process (no Python exception) when its platform plugin cannot
load, with a message that often names the wrong library. So ``python main.py`` checks
first: on Linux with the X11 plugin (``xcb``, Qt's default when ``$DISPLAY`` is set) it
runs ``ldd`` on ``PySide6/Qt/plugins/platforms/libqxcb.so`` and maps every
"not found" library to its Debian/Ubuntu package (``PACKAGES``). No Qt import here.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

#: shared library -> the Debian/Ubuntu package that ships it (Qt 6's xcb plugin and QtGui)
PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
}

#: what the README lists: the studio's system packages on Debian/Ubuntu
README_PACKAGES = ("libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxcb-image0", "libxcb-render-util0",
                   "libxcb-xkb1", "libxkbcommon-x11-0", "libegl1", "libgl1", "libfontconfig1", "libdbus-1-3")

_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)
_MISSING_SO = re.compile(r"(lib[\w.+-]+\.so[\w.]*): cannot open shared object file")


def xcb_plugin() -> Path | None:
    """PySide6's X11 platform plugin (found without importing Qt), or None."""
    import importlib.util

    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    plugin = Path(list(spec.submodule_search_locations)[0]) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return plugin if plugin.is_file() else None


def not_found(ldd_output: str) -> list[str]:
    """The libraries ``ldd`` reports as "not found" (each once, in order)."""
    return list(dict.fromkeys(_NOT_FOUND.findall(ldd_output)))


def missing_libraries(plugin: Path | None = None) -> list[str]:
    """Libraries the xcb plugin (or ``plugin``) needs and this system lacks; [] when none
    are missing or ``ldd`` is not available."""
    plugin = plugin or xcb_plugin()
    ldd = shutil.which("ldd")
    if plugin is None or ldd is None:
        return []
    try:
        out = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return not_found(out)


def install_hint(libraries: list[str]) -> str:
    """The message for missing ``libraries``: their names and the ``apt-get`` line."""
    packages = list(dict.fromkeys(PACKAGES.get(lib, "") for lib in libraries if PACKAGES.get(lib)))
    unknown = [lib for lib in libraries if lib not in PACKAGES]
    lines = [f"The studio cannot start: Qt's X11 platform plugin (xcb) needs system libraries this machine "
             f"lacks: {', '.join(libraries)}."]
    if packages:
        lines.append("On Debian/Ubuntu install them with:")
        lines.append(f"    sudo apt-get install {' '.join(packages)}")
    if unknown:
        lines.append(f"(install the packages that provide {', '.join(unknown)} on your distribution)")
    lines.append("The README lists every system package the studio needs; the command-line tools work without "
                 "them, and QT_QPA_PLATFORM=offscreen runs the studio without a display (tests, screenshots).")
    return "\n".join(lines)


def uses_xcb(environ=None) -> bool:
    """True when Qt would load the xcb plugin: Linux, and ``QT_QPA_PLATFORM`` is xcb, or
    unset with an X display and no Wayland session."""
    environ = os.environ if environ is None else environ
    if not sys.platform.startswith("linux"):
        return False
    platform = environ.get("QT_QPA_PLATFORM", "")
    if platform:
        return platform.split(":")[0].split(";")[0] == "xcb"
    return bool(environ.get("DISPLAY")) and not environ.get("WAYLAND_DISPLAY")


def platform_problem(environ=None) -> str | None:
    """The message to print instead of starting Qt, or None when Qt can start."""
    environ = os.environ if environ is None else environ
    if not uses_xcb(environ):
        if sys.platform.startswith("linux") and not environ.get("QT_QPA_PLATFORM") \
                and not environ.get("DISPLAY") and not environ.get("WAYLAND_DISPLAY"):
            return ("The studio needs a display: no $DISPLAY or $WAYLAND_DISPLAY is set. Run it on a desktop "
                    "session (or ssh -X), or set QT_QPA_PLATFORM=offscreen for a window without a screen.")
        return None
    missing = missing_libraries()
    if missing:
        return install_hint(missing)
    return display_problem(environ.get("DISPLAY", ""))


#: where X servers keep their local sockets (``X<n>``; Linux also binds the same name abstract)
X11_SOCKET_DIR = "/tmp/.X11-unix"
_DISPLAY = re.compile(r"^(?P<host>[^:/]*):(?P<number>\d+)(?:\.\d+)?$")


def display_problem(display: str) -> str | None:
    """The message when the X display ``display`` (``$DISPLAY``: ``:0``, ``unix:1``,
    ``localhost:10.0``) accepts no connection, else None. Qt's xcb plugin aborted the process
    there (status 134) and blamed a library that was installed ('xcb-cursor0 or libxcb-cursor0
    is needed'): a stale ``$DISPLAY`` (an ssh session without X forwarding, a display server
    that has gone). Only a refused or missing connection is said; a ``$DISPLAY`` of another
    form is left to Qt."""
    import socket

    match = _DISPLAY.match(display.strip())
    if match is None:
        return None
    host, number = match.group("host"), int(match.group("number"))
    if host in ("", "unix"):
        path = f"{X11_SOCKET_DIR}/X{number}"
        targets = [(socket.AF_UNIX, f"\0{path}"), (socket.AF_UNIX, path)]
        if host == "":  # Xlib falls back to TCP on localhost for ':N'
            targets.append((socket.AF_INET, ("127.0.0.1", 6000 + number)))
    else:
        targets = [(socket.AF_UNSPEC, (host, 6000 + number))]
    for family, address in targets:
        try:
            if family == socket.AF_UNSPEC:
                with socket.create_connection(address, timeout=3):
                    return None
            with socket.socket(family, socket.SOCK_STREAM) as sock:
                sock.settimeout(3)
                sock.connect(address)
                return None
        except OSError:
            continue
    return (f"The studio cannot reach the X display {display!r} ($DISPLAY): no display server answers there (an "
            "ssh session without X forwarding, or a display that has closed). Run it on a desktop session (or ssh -X), "
            "set DISPLAY to a running display, or set QT_QPA_PLATFORM=offscreen for a window without a screen.")


def explain_import_error(error: ImportError) -> str:
    """An ImportError of Qt (e.g. "libEGL.so.1: cannot open shared object file") as the
    same kind of message; the error text when no library is named."""
    match = _MISSING_SO.search(str(error))
    if not match:
        return f"The studio cannot load Qt: {error}"
    return install_hint([match.group(1)])
