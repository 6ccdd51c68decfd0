"""``bench accuracy --real``'s header lines agree with their counts (core.wording.plural): at
count 1 they read "1 frame", "1 CPU thread", "every frame", not "1 frames", "1 CPU threads",
"every 1th frame"."""
from __future__ import annotations

from core.bench.real_accuracy import _every_nth_frame
from core.bench.real_items import real_items
from core.cli import main
from core.real_split import load_split
from tests.core.bench.real_tree import fake_tree


def test_a_one_frame_run_is_skipped_in_words_that_agree(tmp_path):
    split = load_split(fake_tree(tmp_path, frames=10))
    # ten starts on ten frames, two frames each: the run from frame 9 has one frame left
    _, notes = real_items(split, "validation", tmp_path, max_frames=2, starts=10)
    assert "cars@9 skipped: no ground-truth box in its 1 frame from frame 9" in notes
    assert not any("1 frames" in note for note in notes)


def test_the_ordinal_of_the_one_step_diagnostic():
    assert [_every_nth_frame(n) for n in (1, 2, 3, 4, 10, 11, 12, 13, 21, 22, 101, 111)] == [
        "every frame", "every 2nd frame", "every 3rd frame", "every 4th frame", "every 10th frame",
        "every 11th frame", "every 12th frame", "every 13th frame", "every 21st frame", "every 22nd frame",
        "every 101st frame", "every 111th frame"]


def test_the_command_header_at_count_one(tmp_path, capsys):
    split_file = fake_tree(tmp_path, frames=6)
    code = main(["bench", "accuracy", "--real", "--data-root", str(tmp_path), "--split-file", str(split_file),
                 "--trackers", "csrt", "--max-frames", "4", "--one-step-every", "1", "--threads", "1"])
    assert code == 0
    text = capsys.readouterr().out
    assert "one-step diagnostic: every frame" in text and "1th" not in text
    assert "1 CPU thread;" in text and "1 CPU threads" not in text
    assert "first 4 frames of each longer sequence" in text
