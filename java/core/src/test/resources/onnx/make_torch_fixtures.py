#!/usr/bin/python3
"""Writes ONNX fixtures made by PyTorch's own exporter (torch.onnx.export) for OnnxReaderTest.

make_fixtures.py builds graphs by hand with onnx.helper, imitating the exporter; these are the
real thing: nn.Linear stacks exported by torch.onnx.export at several opsets, with a dynamic
batch, and reference outputs computed by PyTorch itself.
Run with Debian's python3-torch: /usr/bin/python3 make_torch_fixtures.py
The outputs are committed; the Java tests never need Python.

Files written: NAME.onnx, NAME.ref.txt (as make_fixtures.py writes them) and torch-manifest.tsv
(the same columns as manifest.tsv).
"""
import io
import os

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
BATCH = 3
MANIFEST = []
torch.manual_seed(20261123)


class ViewMlp(nn.Module):
    """x.view(x.size(0), -1), then Linear layers: the idiom behind PyTorch's dynamic flatten."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(12, 10)
        self.fc2 = nn.Linear(10, 4)

    def forward(self, x):
        x = x.view(x.size(0), -1)
        return self.fc2(torch.relu(self.fc1(x)))


def export(name, model, in_shape, shape, acts, softmax, opset):
    model.eval()
    x = torch.randn((BATCH,) + in_shape)
    with torch.no_grad():
        y = model(x)
    buffer = io.BytesIO()
    torch.onnx.export(model, x, buffer, opset_version=opset, input_names=["input"],
                      output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    with open(os.path.join(HERE, name + ".onnx"), "wb") as f:
        f.write(buffer.getvalue())
    with open(os.path.join(HERE, name + ".ref.txt"), "w") as f:
        f.write("input " + " ".join(str(d) for d in x.shape) + "\n")
        f.write(" ".join("%.9g" % v for v in x.flatten().tolist()) + "\n")
        f.write("output " + " ".join(str(d) for d in y.shape) + "\n")
        f.write(" ".join("%.9g" % v for v in y.flatten().tolist()) + "\n")
    MANIFEST.append("\t".join(["valid", name, shape, acts, str(softmax).lower(), "-"]))


def main():
    for opset in (11, 13, 17):
        export("torch_linear_relu_tanh_opset%d" % opset,
               nn.Sequential(nn.Linear(12, 16), nn.ReLU(), nn.Linear(16, 8), nn.Tanh(),
                             nn.Linear(8, 3)),
               (12,), "12-16-8-3", "relu,tanh,identity", False, opset)
        export("torch_flatten_gelu_dropout_softmax_opset%d" % opset,
               nn.Sequential(nn.Flatten(), nn.Linear(12, 9), nn.GELU(), nn.Dropout(0.3),
                             nn.Linear(9, 7), nn.LeakyReLU(0.05), nn.Linear(7, 5, bias=False),
                             nn.Sigmoid(), nn.Linear(5, 4), nn.Softmax(dim=-1)),
               (3, 4), "12-9-7-5-4", "gelu,leaky_relu:0.05,sigmoid,identity", True, opset)
        export("torch_view_mlp_opset%d" % opset, ViewMlp(), (3, 4), "12-10-4",
               "relu,identity", False, opset)
    with open(os.path.join(HERE, "torch-manifest.tsv"), "w") as f:
        f.write("\n".join(MANIFEST) + "\n")
    print("torch", torch.__version__, "wrote", len(MANIFEST), "fixtures")


if __name__ == "__main__":
    main()
