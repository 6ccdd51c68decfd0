"""A ``$DISPLAY`` where no X server answers (an ssh session without X forwarding, a display
server that has gone): Qt's xcb plugin aborted the studio (status 134, 'Aborted') and blamed
'xcb-cursor0 or libxcb-cursor0', which was installed. The studio command now says the display
cannot be reached, in one message, and exits with status 2."""
from __future__ import annotations

import socket

import pytest

from app import platform_check
from app.platform_check import display_problem


@pytest.fixture
def socket_dir(tmp_path, monkeypatch):
    """The X sockets' folder moved to ``tmp_path``: no real display is asked."""
    monkeypatch.setattr(platform_check, "X11_SOCKET_DIR", str(tmp_path))
    return tmp_path


def test_a_display_with_no_server_is_said(socket_dir):
    text = display_problem("unix:5")
    assert text is not None and "cannot reach the X display 'unix:5'" in text and "offscreen" in text


def test_a_display_whose_server_listens_passes(socket_dir):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(socket_dir / "X5"))
        server.listen(1)
        assert display_problem("unix:5") is None
        assert display_problem("unix:5.0") is None


@pytest.mark.parametrize("display", ["/private/tmp/com.apple.launchd.x/org.xquartz:0", "weird", ""])
def test_a_display_of_another_form_is_left_to_qt(socket_dir, display):
    assert display_problem(display) is None


def test_the_studio_command_says_so_instead_of_aborting(socket_dir, monkeypatch, capsys):
    from main import main

    monkeypatch.setenv("DISPLAY", "unix:5")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setattr(platform_check, "missing_libraries", lambda plugin=None: [])
    assert main(["studio"]) == 2
    assert "cannot reach the X display 'unix:5'" in capsys.readouterr().err
