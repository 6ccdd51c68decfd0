"""Child process of ``test_improve``'s kill test: runs the studio's Improve job (the real export,
then a fine-tune of a million steps) into ``$RGBT_STUDIO_HOME`` and prints ``fine-tuning`` once
the fine-tune has stepped, so the parent can SIGKILL it there.

Usage: python tests/app/improve_child.py STUDENT_PT
"""
from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class _NoOutputs:
    """The store as the export reads it: no tracker outputs recorded."""

    path = None

    def tracker_outputs(self, _model: str) -> dict:
        return {}


def main(student_pt: str) -> int:
    import torch

    torch.set_num_threads(1)
    warnings.filterwarnings("ignore")
    from app.controllers.improve_job import improve_job, improve_paths
    from app.settings import ModelSettings, studio_home
    from core.annotations.records import FrameAnnotation, Provenance
    from core.distillation.finetune import FinetuneConfig
    from core.synthetic import SyntheticConfig, SyntheticSequence

    sequence = SyntheticSequence(SyntheticConfig(width=128, height=96, num_frames=24), seed=5)
    records = {f: FrameAnnotation(f, sequence.boxes[f], provenance=Provenance.MANUAL, keyframe=True)
               for f in (0, 3, 6, 9, 12, 15, 18, 21)}
    models = ModelSettings(student_weights=student_pt, engine="torch", device="cpu")
    data_path, out_path = improve_paths(studio_home(), "seq")
    config = FinetuneConfig(steps=1_000_000, batch_size=2, threads=1)
    for report in improve_job(sequence, records, _NoOutputs(), models, data_path, out_path, config):
        if report.message.startswith("2/2") and report.done >= 1:
            print("fine-tuning", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
