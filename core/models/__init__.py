"""core.models: the tracking networks (MPLT teacher, one-stream student), their head and
decoding, configs at two scales, the registry and checkpoints. See docs/models.md."""
from core.models.checkpoint import load_checkpoint, save_checkpoint
from core.models.config import StudentConfig, TeacherConfig, student_config, teacher_config
from core.models.head import boxes_from_maps_at, decode_boxes, hann2d
from core.models.registry import build_model

__all__ = [
    "StudentConfig", "TeacherConfig", "boxes_from_maps_at", "build_model", "decode_boxes", "hann2d",
    "load_checkpoint", "save_checkpoint", "student_config", "teacher_config",
]
