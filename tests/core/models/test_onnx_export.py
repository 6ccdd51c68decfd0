import pytest
import torch

from core.models import build_model, student_config
from tests.core.models.conftest import model_inputs


def test_bundled_student_exports_to_onnx(tmp_path):
    onnx = pytest.importorskip("onnx")
    model = build_model("student", student_config("bundled", pretrained_stem=False))
    path = tmp_path / "student.onnx"
    torch.onnx.export(model, model_inputs(model.config), str(path), dynamo=False,
                      input_names=["template_visible", "template_thermal", "search_visible", "search_thermal"],
                      output_names=["score_map", "size_map", "offset_map", "search_feature"], opset_version=17)
    graph = onnx.load(str(path)).graph
    assert [o.name for o in graph.output] == ["score_map", "size_map", "offset_map", "search_feature"]
