"""eval --json inside the ground-truth folder said '--json lies inside the folder of the
ground-truth folder', and --json naming a ground-truth file given as --gt said '--json is the
ground-truth folder' of a file."""
from __future__ import annotations

from core.cli import main
from tests.core.cli_lines import one_error_line


def _sequence(folder):
    from core.progress import run_to_end
    from core.synthetic.config import SyntheticConfig
    from core.synthetic.sequence import SyntheticSequence
    from core.synthetic.writers import write_lasher

    run_to_end(write_lasher(SyntheticSequence(SyntheticConfig(width=64, height=48, num_frames=3), 3,
                                              name=folder.name, cache_frames=0), folder))
    return folder


def test_json_in_or_over_the_ground_truth_is_named_plainly(tmp_path, capsys):
    seq = _sequence(tmp_path / "walk")
    result = tmp_path / "walk.txt"
    result.write_text((seq / "visible.txt").read_text())
    inside = seq / "report.json"
    assert main(["eval", str(result), "--gt", str(seq), "--protocol", "lasher", "--json", str(inside)]) == 2
    assert one_error_line(capsys.readouterr().err) == (
        f"error: {inside}: --json lies inside the folder of the ground truth ({seq}); choose another place")
    gt_file = seq / "visible.txt"
    before = gt_file.read_text()
    assert main(["eval", str(result), "--gt", str(gt_file), "--protocol", "lasher", "--json", str(gt_file),
                 "--force"]) == 2
    assert one_error_line(capsys.readouterr().err) == (
        f"error: {gt_file}: --json is the ground truth; refusing to overwrite it (choose another path)")
    assert gt_file.read_text() == before and not inside.exists()
