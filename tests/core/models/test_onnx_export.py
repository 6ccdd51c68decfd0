import pytest
import torch

from core.models import build_model, student_config, teacher_config
from tests.core.models.conftest import model_inputs


@pytest.mark.parametrize("factory,make", [("student", student_config), ("teacher", teacher_config)])
def test_bundled_models_export_to_onnx(tmp_path, factory, make):
    onnx = pytest.importorskip("onnx")
    cfg = make("bundled", pretrained_stem=False, **({"depth": 2} if factory == "teacher" else {}))
    model = build_model(factory, cfg)
    path = tmp_path / f"{factory}.onnx"
    torch.onnx.export(model, model_inputs(model.config), str(path), dynamo=False,
                      input_names=["template_visible", "template_thermal", "search_visible", "search_thermal"],
                      output_names=["score_map", "size_map", "offset_map", "search_feature"], opset_version=17)
    graph = onnx.load(str(path)).graph
    assert [o.name for o in graph.output] == ["score_map", "size_map", "offset_map", "search_feature"]
