#!/usr/bin/python3
"""Writes recurrent ONNX fixtures for OnnxRecurrentTest: PyTorch models exported by PyTorch.

Each valid fixture is an nn.LSTM, nn.GRU or nn.RNN (batch_first, so the exporter writes the
Transpose, Squeeze, Reshape and Gather glue around the ONNX operator, and the Shape ->
ConstantOfShape subgraph that makes the zero initial states) followed by nn.Linear layers on
the last step, exported by torch.onnx.export with a dynamic batch and a dynamic number of
steps; the expected outputs are PyTorch's own. GRU with linear_before_reset = 0, which PyTorch
never exports, is the exported GRU with the attribute flipped, and its expected outputs come
from the numpy reference below. The invalid fixtures are exported models with one attribute
or input changed to something sparsenn refuses (each must fail naming it).

Run with Debian's python3-torch: /usr/bin/python3 make_recurrent_fixtures.py
The outputs are committed; the Java tests never need Python.

Files written: NAME.onnx, NAME.ref.txt (input dims and values, output dims and values, one line
each) for the valid ones, and recurrent-manifest.tsv: valid|invalid, name, then for valid ones
the network as Network.toString() prints it, and for invalid ones a word the error must name.
"""
import io
import os

import numpy as np
import onnx
import onnx.helper
import onnx.numpy_helper
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
BATCH = 3
STEPS = 7
FEATURES = 6
MANIFEST = []
torch.manual_seed(20261206)


class LastStep(nn.Module):
    """A recurrent front end, then Linear layers on the output of the last step."""

    def __init__(self, rnn, head):
        super().__init__()
        self.rnn = rnn
        self.head = head

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.head(y[:, -1, :])


class FinalState(nn.Module):
    """h_n[-1] of a one-way GRU into a Linear layer: the other classifier idiom."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(FEATURES, 8, batch_first=True)
        self.fc = nn.Linear(8, 3)

    def forward(self, x):
        _, h = self.rnn(x)
        return self.fc(h[-1])


class GivenState(nn.Module):
    """An LSTM started from learned initial states, expanded over the batch."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(FEATURES, 5, batch_first=True)
        self.h0 = nn.Parameter(torch.randn(1, 1, 5) * 0.5)
        self.c0 = nn.Parameter(torch.randn(1, 1, 5) * 0.5)
        self.fc = nn.Linear(5, 3)

    def forward(self, x):
        b = x.size(0)
        state = (self.h0.expand(1, b, 5).contiguous(), self.c0.expand(1, b, 5).contiguous())
        y, _ = self.rnn(x, state)
        return self.fc(y[:, -1, :])


class StackedFinalState(nn.Module):
    """h_n of a stacked (or bidirectional) model into a Linear layer: PyTorch joins every
    layer's Y_h by a Concat, then Gathers h_n[-1] (and h_n[-2] for a bidirectional one)."""

    def __init__(self, rnn, width):
        super().__init__()
        self.rnn = rnn
        self.fc = nn.Linear(width, 3)

    def forward(self, x):
        _, h = self.rnn(x)
        if isinstance(h, tuple):
            h = h[0]
        if self.rnn.bidirectional:
            return self.fc(torch.cat((h[-2], h[-1]), 1))
        return self.fc(h[-1])


def exported(model, x, opset):
    buffer = io.BytesIO()
    torch.onnx.export(model, x, buffer, opset_version=opset, input_names=["input"],
                      output_names=["output"],
                      dynamic_axes={"input": {0: "batch", 1: "steps"}, "output": {0: "batch"}})
    return onnx.load_from_string(buffer.getvalue())


def write(name, proto, x, y, structure):
    onnx.save(proto, os.path.join(HERE, name + ".onnx"))
    with open(os.path.join(HERE, name + ".ref.txt"), "w") as f:
        f.write("input " + " ".join(str(d) for d in x.shape) + "\n")
        f.write(" ".join("%.9g" % v for v in x.flatten().tolist()) + "\n")
        f.write("output " + " ".join(str(d) for d in y.shape) + "\n")
        f.write(" ".join("%.9g" % v for v in y.flatten().tolist()) + "\n")
    MANIFEST.append("\t".join(["valid", name, structure]))


def export(name, model, opset, structure):
    model.eval()
    x = torch.randn(BATCH, STEPS, FEATURES)
    with torch.no_grad():
        y = model(x)
    proto = exported(model, x, opset)
    write(name, proto, x.numpy(), y.numpy(), structure)
    return proto, x.numpy()


def node_of(proto, op):
    return next(n for n in proto.graph.node if n.op_type == op)


def set_attribute(node, name, value):
    for a in list(node.attribute):
        if a.name == name:
            node.attribute.remove(a)
    node.attribute.append(onnx.helper.make_attribute(name, value))


def initializer(proto, name):
    return next(onnx.numpy_helper.to_array(t) for t in proto.graph.initializer if t.name == name)


def gru_reset_first(x, w, r, b, h0, fc_w, fc_b):
    """numpy: one-way GRU with linear_before_reset = 0 (ONNX's default), last step, Linear."""
    hidden = r.shape[1]
    wb, rb = b[:3 * hidden], b[3 * hidden:]
    out = []
    for seq in x:
        h = h0.astype(np.float64)
        for xt in seq:
            gx = w @ xt + wb
            z = 1 / (1 + np.exp(-(gx[:hidden] + r[:hidden] @ h + rb[:hidden])))
            reset = 1 / (1 + np.exp(-(gx[hidden:2 * hidden] + r[hidden:2 * hidden] @ h
                                      + rb[hidden:2 * hidden])))
            cand = np.tanh(gx[2 * hidden:] + r[2 * hidden:] @ (reset * h) + rb[2 * hidden:])
            h = (1 - z) * cand + z * h
        out.append(fc_w @ h + fc_b)
    return np.array(out, dtype=np.float32)


def invalid(name, proto, word):
    onnx.save(proto, os.path.join(HERE, name + ".onnx"))
    MANIFEST.append("\t".join(["invalid", name, word]))


def main():
    lstm, _ = export("torch_lstm_opset13",
                     LastStep(nn.LSTM(FEATURES, 8, batch_first=True), nn.Linear(8, 3)), 13,
                     "Network[6-LSTM8-last_step-3]")
    gru, gru_x = export("torch_gru_opset11",
                        LastStep(nn.GRU(FEATURES, 8, batch_first=True), nn.Linear(8, 3)), 11,
                        "Network[6-GRU8-last_step-3]")
    export("torch_rnn_tanh_opset17",
           LastStep(nn.RNN(FEATURES, 7, batch_first=True), nn.Linear(7, 2)), 17,
           "Network[6-RNN7-last_step-2]")
    export("torch_rnn_relu_opset13",
           LastStep(nn.RNN(FEATURES, 7, nonlinearity="relu", batch_first=True),
                    nn.Linear(7, 2)), 13, "Network[6-RNN7-last_step-2]")
    export("torch_lstm_bidirectional_opset13",
           LastStep(nn.LSTM(FEATURES, 8, batch_first=True, bidirectional=True),
                    nn.Linear(16, 3)), 13, "Network[6-LSTM16-last_step-3]")
    export("torch_lstm_stacked_opset17",
           LastStep(nn.LSTM(FEATURES, 8, num_layers=2, batch_first=True), nn.Linear(8, 3)), 17,
           "Network[6-LSTM8-LSTM8-last_step-3]")
    export("torch_gru_bidirectional_stacked_softmax_opset13",
           LastStep(nn.GRU(FEATURES, 6, num_layers=2, batch_first=True, bidirectional=True),
                    nn.Sequential(nn.Linear(12, 5), nn.ReLU(), nn.Linear(5, 3),
                                  nn.Softmax(dim=-1))), 13,
           "Network[6-GRU12-GRU12-last_step-5-3, softmax]")
    export("torch_gru_final_state_opset13", FinalState(), 13,
           "Network[6-GRU8-final_state-3]")
    export("torch_lstm_given_state_opset13", GivenState(), 13,
           "Network[6-LSTM5-last_step-3]")

    # linear_before_reset = 0: the exported GRU with the attribute flipped, numpy's outputs
    reset_first = onnx.ModelProto()
    reset_first.CopyFrom(gru)
    gru_node = node_of(reset_first, "GRU")
    set_attribute(gru_node, "linear_before_reset", 0)
    w = initializer(gru, gru_node.input[1])[0].astype(np.float64)
    r = initializer(gru, gru_node.input[2])[0].astype(np.float64)
    b = initializer(gru, gru_node.input[3])[0].astype(np.float64)
    gemm = node_of(gru, "Gemm")
    fc_w = initializer(gru, gemm.input[1]).astype(np.float64)
    fc_b = initializer(gru, gemm.input[2]).astype(np.float64)
    y = gru_reset_first(gru_x.astype(np.float64), w, r, b, np.zeros(r.shape[1]), fc_w, fc_b)
    write("helper_gru_reset_first_opset11", reset_first, gru_x, y,
          "Network[6-GRU8-last_step-3]")

    def changed(source, op, change):
        proto = onnx.ModelProto()
        proto.CopyFrom(source)
        change(node_of(proto, op), proto)
        return proto

    invalid("invalid_lstm_clip", changed(lstm, "LSTM",
                                         lambda n, p: set_attribute(n, "clip", 3.0)), "clip")
    invalid("invalid_lstm_layout", changed(lstm, "LSTM",
                                           lambda n, p: set_attribute(n, "layout", 1)), "layout")
    invalid("invalid_lstm_input_forget",
            changed(lstm, "LSTM", lambda n, p: set_attribute(n, "input_forget", 1)),
            "input_forget")
    invalid("invalid_gru_activations",
            changed(gru, "GRU", lambda n, p: set_attribute(n, "activations", ["Sigmoid", "Relu"])),
            "activations")

    def peepholes(node, proto):
        proto.graph.initializer.append(
            onnx.numpy_helper.from_array(np.ones((1, 24), np.float32), "peepholes"))
        while len(node.input) < 8:
            node.input.append("")
        node.input[7] = "peepholes"
    invalid("invalid_lstm_peepholes", changed(lstm, "LSTM", peepholes), "peephole")

    def sequence_lens(node, proto):
        proto.graph.initializer.append(
            onnx.numpy_helper.from_array(np.array([7, 5, 7], np.int32), "lengths"))
        node.input[4] = "lengths"
    invalid("invalid_lstm_sequence_lens", changed(lstm, "LSTM", sequence_lens), "sequence_lens")

    # after the others, so that their random weights and inputs stay as committed
    stacked, _ = export("torch_lstm_stacked_final_state_opset13",
                        StackedFinalState(nn.LSTM(FEATURES, 8, num_layers=2,
                                                  batch_first=True), 8), 13,
                        "Network[6-LSTM8-LSTM8-final_state-3]")
    swapped = onnx.ModelProto()
    swapped.CopyFrom(stacked)
    h_n = next(n for n in swapped.graph.node
               if n.op_type == "Concat" and all("LSTM" in i for i in n.input))
    h_n.input[0], h_n.input[1] = h_n.input[1], h_n.input[0]
    invalid("invalid_lstm_final_states_swapped", swapped, "joins final states")
    export("torch_gru_bidirectional_stacked_final_state_opset17",
           StackedFinalState(nn.GRU(FEATURES, 5, num_layers=2, batch_first=True,
                                    bidirectional=True), 10), 17,
           "Network[6-GRU10-GRU10-final_state-3]")
    export("torch_lstm_bidirectional_final_state_opset13",
           StackedFinalState(nn.LSTM(FEATURES, 4, batch_first=True, bidirectional=True), 8),
           13, "Network[6-LSTM8-final_state-3]")

    with open(os.path.join(HERE, "recurrent-manifest.tsv"), "w") as f:
        f.write("\n".join(MANIFEST) + "\n")
    print("torch", torch.__version__, "onnx", onnx.__version__, "wrote", len(MANIFEST),
          "fixtures")


if __name__ == "__main__":
    main()
