#!/usr/bin/python3
"""Writes the ONNX fixtures for OnnxFoldingTest: MLPs whose BatchNormalization and constant
Sub/Div/Mul/Add the reader folds into the weights.

Most models are exported by PyTorch's own torch.onnx.export (eval mode, dynamic batch) at
opsets 11, 13 and 17; a few shapes PyTorch does not emit (a constant minus the activations,
Div between layers, BatchNormalization in training mode) are built with onnx.helper. Each
reference output is computed here with numpy from the model's parameters, independently of
the ONNX graph, and checked against PyTorch's own output where there is one.
Run with Debian's python3-torch and python3-onnx: /usr/bin/python3 make_fold_fixtures.py
The outputs are committed; the Java tests never need Python.

Files written:
  NAME.onnx            a model
  NAME.input.npy       for valid models: a reference input (float32, [batch, ...])
  NAME.expected.npy    for valid models: numpy's output for it (float32, [batch, outputs])
  fold-manifest.tsv    one line per fixture:
                         valid    NAME  SHAPE (10-16-8-3)
                         invalid  NAME  FRAGMENTS (text the error message must contain, '|'-separated)
"""
import io
import os

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
BATCH = 4
MANIFEST = []
RNG = np.random.default_rng(20261206)
torch.manual_seed(20261206)


# ---- the numpy reference ------------------------------------------------------------------

def f64(t):
    return t.detach().numpy().astype(np.float64)


def linear(layer, x):
    y = x @ f64(layer.weight).T
    return y + f64(layer.bias) if layer.bias is not None else y


def batch_norm(bn, x):
    """Inference form, channel axis 1: scale (x - mean) / sqrt(var + eps) + B."""
    shape = (1, -1) + (1,) * (x.ndim - 2)
    mean = f64(bn.running_mean).reshape(shape)
    var = f64(bn.running_var).reshape(shape)
    return (x - mean) / np.sqrt(var + bn.eps) * f64(bn.weight).reshape(shape) \
        + f64(bn.bias).reshape(shape)


def relu(x):
    return np.maximum(x, 0)


def randomize_statistics(bn):
    """Running statistics and affine parameters far from the identity, as after training."""
    n = bn.num_features
    with torch.no_grad():
        bn.running_mean.copy_(torch.tensor(RNG.normal(0, 2, n)))
        bn.running_var.copy_(torch.tensor(RNG.uniform(0.2, 5, n)))
        bn.weight.copy_(torch.tensor(RNG.normal(1, 0.5, n)))
        bn.bias.copy_(torch.tensor(RNG.normal(0, 1, n)))


# ---- models as PyTorch users write them ----------------------------------------------------

class NormalizedBatchNormMlp(nn.Module):
    """(x - mean) / std on the input, then Linear -> BatchNorm1d -> ReLU, twice, then Linear."""

    def __init__(self):
        super().__init__()
        self.register_buffer("mean", torch.tensor(RNG.normal(3, 2, 10), dtype=torch.float32))
        self.register_buffer("std", torch.tensor(RNG.uniform(0.5, 4, 10), dtype=torch.float32))
        self.fc1, self.bn1 = nn.Linear(10, 16), nn.BatchNorm1d(16)
        self.fc2, self.bn2 = nn.Linear(16, 8), nn.BatchNorm1d(8)
        self.fc3 = nn.Linear(8, 3)

    def forward(self, x):
        x = (x - self.mean) / self.std
        x = torch.relu(self.bn1(self.fc1(x)))
        x = torch.relu(self.bn2(self.fc2(x)))
        return self.fc3(x)

    def reference(self, x):
        x = (x - f64(self.mean)) / f64(self.std)
        x = relu(batch_norm(self.bn1, linear(self.fc1, x)))
        x = relu(batch_norm(self.bn2, linear(self.fc2, x)))
        return linear(self.fc3, x)


class ScaledBatchNormAfterReluMlp(nn.Module):
    """x * scale + offset on the input (Mul/Add), BatchNorm1d after a ReLU, a bias-free Linear
    followed by a scalar Mul and Add, and a Linear without bias at the end."""

    def __init__(self):
        super().__init__()
        self.register_buffer("scale", torch.tensor(RNG.uniform(0.1, 2, 6), dtype=torch.float32))
        self.register_buffer("offset", torch.tensor(RNG.normal(0, 1, 6), dtype=torch.float32))
        self.fc1 = nn.Linear(6, 12)
        self.bn1 = nn.BatchNorm1d(12)
        self.fc2 = nn.Linear(12, 7, bias=False)
        self.fc3 = nn.Linear(7, 5, bias=False)

    def forward(self, x):
        x = x * self.scale + self.offset
        x = self.bn1(torch.relu(self.fc1(x)))
        x = torch.tanh(self.fc2(x) * 0.5 + 0.25)
        return self.fc3(x)

    def reference(self, x):
        x = x * f64(self.scale) + f64(self.offset)
        x = batch_norm(self.bn1, relu(linear(self.fc1, x)))
        x = np.tanh(linear(self.fc2, x) * 0.5 + 0.25)
        return linear(self.fc3, x)


class ChannelNormalizedFlattenMlp(nn.Module):
    """[batch, 3, 4] input normalised per channel (mean and std of shape [3, 1]), BatchNorm1d
    over the 3 channels of the 3-D tensor, then Flatten and Linear layers."""

    def __init__(self):
        super().__init__()
        self.register_buffer("mean", torch.tensor(RNG.normal(1, 1, (3, 1)), dtype=torch.float32))
        self.register_buffer("std", torch.tensor(RNG.uniform(0.5, 2, (3, 1)), dtype=torch.float32))
        self.bn = nn.BatchNorm1d(3)
        self.fc1 = nn.Linear(12, 9)
        self.fc2 = nn.Linear(9, 4)

    def forward(self, x):
        x = self.bn((x - self.mean) / self.std)
        x = torch.flatten(x, 1)
        return self.fc2(torch.relu(self.fc1(x)))

    def reference(self, x):
        x = batch_norm(self.bn, (x - f64(self.mean)) / f64(self.std))
        x = x.reshape(x.shape[0], -1)
        return linear(self.fc2, relu(linear(self.fc1, x)))


class LayerNormMlp(nn.Module):
    """LayerNorm, which sparsenn does not fold: an unsupported op."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 8)
        self.norm = nn.LayerNorm(8)
        self.fc2 = nn.Linear(8, 2)

    def forward(self, x):
        return self.fc2(torch.relu(self.norm(self.fc1(x))))


# ---- writing -------------------------------------------------------------------------------

def save_reference(name, x, expected):
    np.save(os.path.join(HERE, name + ".input.npy"), x.astype(np.float32))
    np.save(os.path.join(HERE, name + ".expected.npy"), expected.astype(np.float32))


def export(name, model, in_shape, shape, opset):
    for m in model.modules():
        if isinstance(m, nn.BatchNorm1d):
            randomize_statistics(m)
    model.eval()
    x = RNG.normal(2, 3, (BATCH,) + in_shape).astype(np.float32)
    with torch.no_grad():
        torch_out = model(torch.from_numpy(x)).numpy()
    expected = model.reference(x.astype(np.float64))
    assert np.allclose(expected, torch_out, rtol=1e-4, atol=1e-4), (name, expected, torch_out)
    buffer = io.BytesIO()
    torch.onnx.export(model, torch.from_numpy(x), buffer, opset_version=opset,
                      input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    with open(os.path.join(HERE, name + ".onnx"), "wb") as f:
        f.write(buffer.getvalue())
    save_reference(name, x, expected)
    MANIFEST.append("\t".join(["valid", name, shape]))


def export_invalid(name, model, in_shape, opset, fragments):
    model.eval()
    buffer = io.BytesIO()
    torch.onnx.export(model, torch.randn((BATCH,) + in_shape), buffer, opset_version=opset,
                      input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    with open(os.path.join(HERE, name + ".onnx"), "wb") as f:
        f.write(buffer.getvalue())
    MANIFEST.append("\t".join(["invalid", name, fragments]))


# ---- graphs PyTorch does not write, built with onnx.helper -----------------------------------

def tensor(name, array):
    return numpy_helper.from_array(np.asarray(array, dtype=np.float32), name)


def helper_model(name, nodes, initializers, features, outputs, opset):
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", features])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", outputs])],
        initializer=initializers)
    model = helper.make_model(graph, producer_name="sparsenn-fixtures",
                              opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(HERE, name + ".onnx"))


def reversed_sub_div_between_layers():
    """c - x on the input, a scalar Mul, Gemm -> Relu -> Div by [1, n] -> MatMul + Add."""
    name = "helper_reversed_sub_div_between_opset13"
    c = RNG.normal(0, 1, 5)
    w1 = RNG.normal(0, 0.5, (6, 5))  # Gemm, transB = 1: [out, in]
    b1 = RNG.normal(0, 0.5, 6)
    d = RNG.uniform(0.5, 2, (1, 6))
    w2 = RNG.normal(0, 0.5, (6, 3))  # MatMul: [in, out]
    b2 = RNG.normal(0, 0.5, 3)
    nodes = [
        helper.make_node("Sub", ["c", "input"], ["centered"], name="flip"),
        helper.make_node("Mul", ["centered", "two"], ["scaled"], name="double"),
        helper.make_node("Gemm", ["scaled", "w1", "b1"], ["h1"], name="fc1", transB=1),
        helper.make_node("Relu", ["h1"], ["a1"], name="relu1"),
        helper.make_node("Div", ["a1", "d"], ["n1"], name="rescale"),
        helper.make_node("MatMul", ["n1", "w2"], ["h2"], name="fc2"),
        helper.make_node("Add", ["b2", "h2"], ["output"], name="fc2_bias"),
    ]
    helper_model(name, nodes, [tensor("c", c), tensor("two", 2.0), tensor("w1", w1),
                               tensor("b1", b1), tensor("d", d), tensor("w2", w2),
                               tensor("b2", b2)], 5, 3, 13)
    x = RNG.normal(0, 2, (BATCH, 5)).astype(np.float32)
    h = (c - x.astype(np.float64)) * 2
    h = relu(h @ w1.T + b1) / d
    save_reference(name, x, h @ w2 + b2)
    MANIFEST.append("\t".join(["valid", name, "5-6-3"]))


def invalid_helper(name, nodes, initializers, fragments, opset=13):
    helper_model(name, nodes, initializers, 4, 2, opset)
    MANIFEST.append("\t".join(["invalid", name, fragments]))


def invalid_helpers():
    w = tensor("w", RNG.normal(0, 1, (2, 4)))
    invalid_helper("invalid_fold_constant_over_activations", [
        helper.make_node("Div", ["c", "input"], ["r"], name="reciprocal"),
        helper.make_node("Gemm", ["r", "w"], ["output"], name="fc", transB=1),
    ], [tensor("c", [1.0, 2.0, 3.0, 4.0]), w], "reciprocal|Div|divides constant 'c'")
    invalid_helper("invalid_fold_two_computed", [
        helper.make_node("Gemm", ["input", "w"], ["h"], name="fc", transB=1),
        helper.make_node("Mul", ["h", "h"], ["output"], name="square"),
    ], [w], "square|Mul|two computed values")
    invalid_helper("invalid_fold_after_last_activation", [
        helper.make_node("Gemm", ["input", "w"], ["h"], name="fc", transB=1),
        helper.make_node("Relu", ["h"], ["a"], name="relu"),
        helper.make_node("Add", ["a", "one"], ["output"], name="shift_out"),
    ], [w, tensor("one", 1.0)], "shift_out|Add|after the last activation")
    invalid_helper("invalid_fold_batchnorm_training", [
        helper.make_node("BatchNormalization", ["input", "s", "b", "m", "v"], ["n"],
                         name="bn_train", training_mode=1),
        helper.make_node("Gemm", ["n", "w"], ["output"], name="fc", transB=1),
    ], [tensor("s", np.ones(4)), tensor("b", np.zeros(4)), tensor("m", np.zeros(4)),
        tensor("v", np.ones(4)), w], "bn_train|BatchNormalization|training mode", opset=15)
    invalid_helper("invalid_fold_div_by_zero", [
        helper.make_node("Div", ["input", "z"], ["n"], name="bad_std"),
        helper.make_node("Gemm", ["n", "w"], ["output"], name="fc", transB=1),
    ], [tensor("z", [1.0, 0.0, 1.0, 1.0]), w], "bad_std|Div|non-zero")


def main():
    for opset in (11, 13, 17):
        export("torch_normalized_batchnorm_mlp_opset%d" % opset, NormalizedBatchNormMlp(),
               (10,), "10-16-8-3", opset)
        export("torch_scaled_batchnorm_after_relu_opset%d" % opset,
               ScaledBatchNormAfterReluMlp(), (6,), "6-12-7-5", opset)
        export("torch_channel_normalized_flatten_opset%d" % opset,
               ChannelNormalizedFlattenMlp(), (3, 4), "12-9-4", opset)
    export_invalid("invalid_torch_layernorm_opset17", LayerNormMlp(), (6,), 17,
                   "LayerNormalization|not supported")
    reversed_sub_div_between_layers()
    invalid_helpers()
    with open(os.path.join(HERE, "fold-manifest.tsv"), "w") as f:
        f.write("\n".join(MANIFEST) + "\n")
    print("torch", torch.__version__, "onnx", onnx.__version__, "wrote", len(MANIFEST),
          "fixtures")


if __name__ == "__main__":
    main()
