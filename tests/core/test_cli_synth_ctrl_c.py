"""Ctrl+C (or SIGTERM) during ``synth --count N`` said only 'cancelled', and the same command
again was refused ('synthetic-0: already exists (give --force to replace it)'): not which
sequences were written, that the one being written was not (an earlier one of its name is as
it was), nor the --seed / --count that write the rest."""
from __future__ import annotations

import pytest

from core.cli import main


@pytest.fixture
def stop_at(monkeypatch):
    """Make synth's LasHeR writer stop (KeyboardInterrupt, as Ctrl+C raises) part-way through
    its sequence number ``n`` (0-based); the ones before it are written whole."""
    import core.commands.synth as synth

    real = synth.write_lasher

    def arm(n: int) -> None:
        calls = []

        def stopping(sequence, target, *args, **kwargs):
            calls.append(target)
            job = real(sequence, target, *args, **kwargs)
            if len(calls) != n + 1:  # once: a later run is not stopped
                return (yield from job)
            yield next(job)
            job.close()
            raise KeyboardInterrupt

        monkeypatch.setattr(synth, "write_lasher", stopping)

    return arm


def _synth(out, *more):
    return main(["synth", str(out), "--frames", "3", "--size", "64x48", *more])


def test_ctrl_c_says_what_was_written_and_how_to_write_the_rest(tmp_path, capsys, stop_at):
    out = tmp_path / "syn"
    stop_at(2)
    assert _synth(out, "--count", "5", "--seed", "10") == 130
    assert capsys.readouterr().err.strip().splitlines()[-2:] == [
        f"synth: stopped while writing synthetic-12, which was not written; 2 of 5 sequences written in {out} "
        "(synthetic-10 .. synthetic-11); --seed 12 --count 3 writes the rest", "cancelled"]
    assert sorted(p.name for p in out.iterdir()) == ["synthetic-10", "synthetic-11"]
    assert _synth(out, "--count", "3", "--seed", "12") == 0  # what the line says writes the rest
    assert len(list(out.iterdir())) == 5


def test_ctrl_c_over_an_earlier_sequence_says_it_is_as_it_was(tmp_path, capsys, stop_at):
    out = tmp_path / "syn"
    assert _synth(out, "--name", "walk") == 0
    before = (out / "walk" / "synthetic.json").read_text()
    capsys.readouterr()
    stop_at(0)
    assert _synth(out, "--name", "walk", "--seed", "4", "--force") == 130
    assert capsys.readouterr().err.strip().splitlines()[-2:] == [
        "synth: stopped while writing walk, which was not written (the earlier one is as it was)", "cancelled"]
    assert (out / "walk" / "synthetic.json").read_text() == before
