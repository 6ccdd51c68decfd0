"""bench accuracy: contenders, the side-by-side job, scoring (oracle trackers give known
numbers), cancellation, the table, the targets, and the command on a tiny split."""
from __future__ import annotations

import json

import numpy as np
import pytest

from core.bench.accuracy_run import run_bench, score
from core.bench.accuracy_table import format_table, targets
from core.bench.contenders import Contender, build_contenders
from core.bench.eval_sets import EvalItem, ground_truth_rows, real_items
from core.cli import main
from core.errors import ConfigError
from core.progress import run_to_end
from tests.core.bench.conftest import OracleTracker

N_THRESHOLDS = 21  # lasher success thresholds 0:0.05:1; IoU 1 beats all but the last


def _oracles(items, lags):
    """Items whose opening publishes the sequence's GT rows, and one oracle contender per
    lag reading them (one tracker object serves every sequence, as in the bench)."""
    current = {}
    wrapped = []
    for item in items:
        def opener(item=item):
            seq = item.open()
            current["gt"] = ground_truth_rows(seq.ground_truth(), len(seq))
            return seq
        wrapped.append(EvalItem(item.dataset, item.name, item.group, item.num_frames, opener, item.note))

    class Switching(OracleTracker):
        def init(self, pair, box):
            self.boxes = current["gt"]
            return OracleTracker.init(self, pair, box)

    return wrapped, [Contender("oracle", f"oracle lag {lag}", "-", Switching(np.zeros((1, 4)), lag)) for lag in lags]


def test_oracle_scores_are_exact_and_a_lagging_oracle_scores_less(tiny_items):
    items, (exact, lagging) = _oracles(tiny_items, (0, 8))
    missing = Contender("teacher", "teacher", "x.pt", None, "weights file x.pt not found")
    bench = run_to_end(run_bench([exact, lagging, missing], items))
    rows, reports = score(bench)
    by = {(r["tracker"], r["sequence"]): r for r in rows}
    for seq in ("clean-0", "occlusion-0", "family:clean", "family:occlusion", "overall"):
        assert by[("oracle lag 0", seq)]["pr"] == 1.0
        # IoU 1 beats every threshold but 1.0 (floating point may push a few IoUs a hair above 1)
        assert (N_THRESHOLDS - 1) / N_THRESHOLDS - 1e-4 <= by[("oracle lag 0", seq)]["sr"] <= 1.0
    assert by[("oracle lag 8", "overall")]["sr"] < by[("oracle lag 0", "overall")]["sr"] - 0.05
    # occlusion-0 starts hidden at 20 frames: the first visible frame initialises
    assert by[("oracle lag 0", "occlusion-0")]["start_frame"] > 0
    assert by[("oracle lag 0", "clean-0")]["start_frame"] == 0
    assert by[("oracle lag 0", "clean-0")]["frames"] == 20
    assert by[("oracle lag 0", "overall")]["fps"] > 0
    assert by[("teacher", "-")]["kind"] == "missing" and by[("teacher", "-")]["pr"] is None
    assert {r["kind"] for r in rows} == {"sequence", "family", "overall", "missing"}
    assert all({"tracker", "dataset", "sequence", "pr", "sr", "fps"} <= set(r) for r in rows)
    assert [r.tracker for r in reports["synthetic"]] == ["oracle lag 0", "oracle lag 8"]
    table = format_table(rows, ["note line"], ["teacher", "oracle lag 0", "oracle lag 8"])
    lines = table.splitlines()
    assert "protocol lasher" in lines[0] and lines[1] == "note line"
    assert lines[5].startswith("teacher") and "not run: weights file x.pt not found" in lines[5]
    assert lines[6].startswith("oracle lag 0") and "1.000" in lines[6]


class _Closing:
    def __init__(self, seq, log):
        self.seq, self.log = seq, log

    def __len__(self):
        return len(self.seq)

    def __getitem__(self, i):
        return self.seq[i]

    def ground_truth(self):
        return self.seq.ground_truth()

    def close(self):
        self.log.append("closed")
        self.seq.close()


def test_cancel_closes_the_open_sequence(tiny_items):
    log = []
    item = tiny_items[0]
    wrapped = EvalItem(item.dataset, item.name, item.group, item.num_frames, lambda: _Closing(item.open(), log))
    from core.bench.peers import PeerTracker

    job = run_bench([Contender("kcf", "KCF (thermal)", "-", PeerTracker("kcf", "thermal"))], [wrapped])
    reports = [next(job) for _ in range(5)]
    assert reports[-1].done == 5 and reports[-1].total == 20
    job.close()
    assert log == ["closed"]


def test_contenders_missing_random_and_peers(tmp_path):
    contenders = build_contenders(["teacher", "student-nokd", "kcf", "nanotrack"], weights_dir=tmp_path,
                                  models_dir=tmp_path / "none", modalities=("visible", "thermal"))
    labels = [c.label for c in contenders]
    assert labels == ["teacher", "student (no KD)", "KCF (visible)", "KCF (thermal)", "NanoTrack v2"]
    assert not contenders[0].available and "teacher_bundled.pt not found" in contenders[0].reason
    assert not contenders[-1].available and "does not exist" in contenders[-1].reason
    randomised = build_contenders(["student-nokd"], weights_dir=tmp_path, random_weights=True)
    assert randomised[0].label == "student (no KD) [RANDOM weights]" and randomised[0].weights == "random"
    with pytest.raises(ConfigError, match="unknown tracker"):
        build_contenders(["mosse"], weights_dir=tmp_path)


def _rows(**sr):
    rows = []
    for tracker, value in sr.items():
        name = {"t": "teacher", "s": "student (KD)", "n": "student (no KD)", "c": "CSRT (thermal)"}[tracker]
        for seq in ("overall", "family:night"):
            rows.append({"tracker": name, "dataset": "synthetic", "sequence": seq, "pr": 0.5, "sr": value,
                         "fps": 1.0, "kind": "overall"})
        rows.append({"tracker": name, "dataset": "vot-tir2016", "sequence": "horse", "pr": 0.5, "sr": value,
                     "fps": 1.0, "kind": "sequence"})
    return rows


def test_targets_verdicts():
    lines = targets(_rows(t=0.60, s=0.59, n=0.50, c=0.40))
    assert "student within 0.02 SR of the teacher (synthetic): met" in lines[0]
    assert "KD student >= no-KD ablation + 0.02 SR (synthetic): met" in lines[1]
    assert any("teacher ahead of every peer (synthetic family:night): met (margin +0.200" in x for x in lines)
    assert any("student SR >= CSRT's on vot-tir2016/horse: met" in x for x in lines)
    lines = targets(_rows(t=0.60, s=0.55, n=0.545, c=0.58))
    assert "MISSED" in lines[0] and "MISSED" in lines[1]
    assert any("student SR >= CSRT's on vot-tir2016/horse: MISSED" in x for x in lines)
    assert "n/a" in targets(_rows(s=0.5))[0]


def test_command_on_a_tiny_split(tmp_path, capsys):
    out = tmp_path / "rows.json"
    (tmp_path / "empty").mkdir()  # a weights folder without the checkpoints
    code = main(["bench", "accuracy", "--split", "synthetic", "--families", "clean,night", "--per-family", "1",
                 "--frames", "10", "--trackers", "student,student-nokd,kcf,nanotrack", "--peer-modality",
                 "thermal", "--weights-dir", str(tmp_path / "empty"), "--models-dir", str(tmp_path / "none"),
                 "--random-weights", "--threads", "1", "--json", str(out), "--plots", str(tmp_path / "plots")])
    assert code == 0
    text = capsys.readouterr().out
    assert "student (KD) [RANDOM weights]" in text and "KCF (thermal)" in text
    assert "NanoTrack v2" in text and "not run:" in text and "targets (the student near the teacher, KD over no KD, ahead of the OpenCV peers):" in text
    rows = json.loads(out.read_text())
    kinds = {(r["tracker"], r["sequence"]): r["kind"] for r in rows}
    assert kinds[("KCF (thermal)", "family:night")] == "family"
    assert kinds[("student (KD) [RANDOM weights]", "clean-0")] == "sequence"
    assert {p.name for p in (tmp_path / "plots" / "synthetic").iterdir()} == {
        "lasher_PR.png", "lasher_NPR.png", "lasher_SR.png"}
    assert main(["bench", "accuracy", "--families", "nope", "--frames", "5"]) == 2
    assert main(["bench", "accuracy", "--frames", "1"]) == 2


def test_real_sequences_with_ground_truth(shared_data):
    items, notes = real_items(shared_data, frames=12)
    horse = [i for i in items if i.name == "horse"]
    assert horse and horse[0].dataset == "vot-tir2016" and horse[0].num_frames == 12
    assert "thermal only" in horse[0].note
    assert any("tno/tree skipped: no ground truth" in n for n in notes)
    from core.bench.peers import PeerTracker

    bench = run_to_end(run_bench([Contender("csrt", "CSRT (thermal)", "-", PeerTracker("csrt", "thermal"))],
                                 horse))
    rows, _ = score(bench)
    row = next(r for r in rows if r["sequence"] == "horse")
    assert row["dataset"] == "vot-tir2016" and "thermal only" in row["note"]
    assert row["sr"] > 0.5  # CSRT holds the horse over 12 frames


def test_real_items_without_data(tmp_path):
    items, notes = real_items(tmp_path / "absent")
    assert items == [] and "absent" in notes[0]


def test_cache_reuses_runs_and_ignores_corrupt_entries(tmp_path, tiny_items, capsys):
    from core.bench.peers import PeerTracker
    from core.bench.result_cache import ResultCache, run_key

    cache = ResultCache(tmp_path / "cache")
    kcf = Contender("kcf", "KCF (thermal)", "-", PeerTracker("kcf", "thermal"), fingerprint="KCF|thermal")
    first, _ = score(run_to_end(run_bench([kcf], tiny_items, cache=cache, threads=1)))
    entries = sorted((tmp_path / "cache").glob("*.npz"))
    assert len(entries) == 2
    again = Contender("kcf", "KCF (thermal)", "-", _Exploding(), fingerprint="KCF|thermal")
    second, _ = score(run_to_end(run_bench([again], tiny_items, cache=cache, threads=1)))
    assert [(r["pr"], r["sr"], r["fps"]) for r in first] == [(r["pr"], r["sr"], r["fps"]) for r in second]
    assert all(r["cached"] for r in second if r["kind"] == "sequence")
    assert next(r for r in second if r["kind"] == "overall")["cached_sequences"] == 2
    # another thread count or other ground truth is another key; a corrupt entry is re-tracked
    gt = np.zeros((3, 4))
    assert run_key("a", "d", "s", gt, 1) != run_key("a", "d", "s", gt, 2)
    assert run_key("a", "d", "s", gt, 1) != run_key("a", "d", "s", gt + 1, 1)
    entries[0].write_bytes(b"garbage")
    with pytest.raises(AssertionError, match="re-tracked"):
        run_to_end(run_bench([again], tiny_items, cache=cache, threads=1))


class _Exploding:
    """A contender that must not be asked to track (its runs are cached)."""

    def init(self, pair, box):
        raise AssertionError("re-tracked")

    track = init


def test_contender_from_a_checkpoint_is_keyed_by_its_hash(tmp_path):
    from core.fileio import file_sha256
    from core.models.checkpoint import save_checkpoint
    from core.tracking.factory import random_model

    save_checkpoint(tmp_path / "student_nokd_bundled.pt", random_model("student"), {})
    (contender,) = build_contenders(["student-nokd"], weights_dir=tmp_path, engine="torch", device="cpu")
    assert contender.available and contender.label == "student (no KD)"
    assert contender.weights.endswith("student_nokd_bundled.pt")
    assert file_sha256(tmp_path / "student_nokd_bundled.pt") in contender.fingerprint
    assert contender.tracker.engine.name in contender.fingerprint
