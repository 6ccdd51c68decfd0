"""Crops, the tracker with explicit state, inference engines and ONNX export."""
