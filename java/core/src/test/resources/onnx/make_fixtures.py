#!/usr/bin/python3
"""Writes the ONNX fixtures for OnnxReaderTest into this directory.

Run with Debian's python3-onnx (apt-get install python3-onnx): /usr/bin/python3 make_fixtures.py
The outputs are committed; the Java tests never need Python.

Files written:
  NAME.onnx         a model (valid ones also run in ONNX Runtime, the tests' oracle)
  NAME.ref.txt      for valid models: a reference input and the output numpy computes for it
  manifest.tsv      one line per fixture:
                      valid    NAME  SHAPE (4-6-3)  ACTIVATIONS (relu,identity)  SOFTMAX  CONVERTED
                      invalid  NAME  FRAGMENTS (text the error message must contain, '|'-separated)
"""
import math
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(20261123)
BATCH = 3
MANIFEST = []


# ---- reference forward pass (numpy) ---------------------------------------------------------

def erf(x):
    return np.vectorize(math.erf)(x.astype(np.float64))


ACTIVATIONS = {
    "identity": lambda x: x,
    "relu": lambda x: np.maximum(x, 0),
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "tanh": np.tanh,
    "gelu": lambda x: 0.5 * x * (1 + erf(x / math.sqrt(2))),
}


def activate(name, x):
    if name.startswith("leaky_relu:"):
        alpha = float(name.split(":")[1])
        return np.where(x < 0, alpha * x, x)
    return ACTIVATIONS[name](x)


def forward(layers, softmax, x):
    """layers: list of (W [out, in] float32, bias [out] float32, activation name)."""
    h = x.reshape(x.shape[0], -1).astype(np.float64)
    for w, b, act in layers:
        h = activate(act, h @ w.astype(np.float64).T + b.astype(np.float64))
    if softmax:
        e = np.exp(h - h.max(axis=1, keepdims=True))
        h = e / e.sum(axis=1, keepdims=True)
    return h


# ---- building blocks -----------------------------------------------------------------------

def weights(out, inp):
    return RNG.normal(0, 0.7, size=(out, inp)).astype(np.float32)


def bias(out):
    return RNG.normal(0, 0.3, size=(out,)).astype(np.float32)


def tensor(name, array, as_raw=True):
    if as_raw:
        return numpy_helper.from_array(array, name)
    t = helper.make_tensor(name, TensorProto.FLOAT, array.shape, array.flatten().tolist())
    return t


def model(nodes, inits, in_shape, out_shape, opset, in_name="input", out_name="output"):
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info(in_name, TensorProto.FLOAT, in_shape)],
        [helper.make_tensor_value_info(out_name, TensorProto.FLOAT, out_shape)], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                          producer_name="sparsenn-fixtures")
    m.ir_version = 9 if opset >= 20 else (8 if opset >= 15 else 7)
    return m


def save(name, m):
    with open(os.path.join(HERE, name + ".onnx"), "wb") as f:
        f.write(m.SerializeToString())


def valid(name, m, layers, softmax, in_shape, converted="-"):
    if max(o.version for o in m.opset_import) <= 17:
        onnx.checker.check_model(m)
    save(name, m)
    x = RNG.normal(0, 1, size=(BATCH,) + tuple(in_shape)).astype(np.float32)
    y = forward(layers, softmax, x)
    with open(os.path.join(HERE, name + ".ref.txt"), "w") as f:
        f.write("input " + " ".join(str(d) for d in x.shape) + "\n")
        f.write(" ".join("%.9g" % v for v in x.flatten()) + "\n")
        f.write("output " + " ".join(str(d) for d in y.shape) + "\n")
        f.write(" ".join("%.9g" % v for v in y.flatten()) + "\n")
    shape = "-".join([str(int(np.prod(in_shape)))] + [str(w.shape[0]) for w, _, _ in layers])
    acts = ",".join(a for _, _, a in layers)
    MANIFEST.append("\t".join(["valid", name, shape, acts, str(softmax).lower(), converted]))


def invalid(name, m_or_bytes, *fragments):
    if isinstance(m_or_bytes, bytes):
        with open(os.path.join(HERE, name + ".onnx"), "wb") as f:
            f.write(m_or_bytes)
    else:
        save(name, m_or_bytes)
    MANIFEST.append("\t".join(["invalid", name, "|".join(fragments)]))


def gemm(name, x, y, w, b, trans_b=1, **attrs):
    inputs = [x, name + ".weight"] + ([name + ".bias"] if b is not None else [])
    node = helper.make_node("Gemm", inputs, [y], name=name, transB=trans_b, **attrs)
    stored = w if trans_b else np.ascontiguousarray(w.T)
    inits = [tensor(name + ".weight", stored)]
    if b is not None:
        inits.append(tensor(name + ".bias", b))
    return [node], inits


def act_node(op, x, y, name, **attrs):
    return helper.make_node(op, [x], [y], name=name, **attrs)


# ---- valid fixtures ------------------------------------------------------------------------

def gemm_transb_relu():
    w1, b1, w2, b2 = weights(6, 4), bias(6), weights(3, 6), bias(3)
    n1, i1 = gemm("fc1", "input", "h1", w1, b1)
    n2, i2 = gemm("fc2", "a1", "output", w2, b2)
    nodes = n1 + [act_node("Relu", "h1", "a1", "relu1")] + n2
    m = model(nodes, i1 + i2, ["batch", 4], ["batch", 3], 11)
    valid("gemm_transb_relu_opset11", m, [(w1, b1, "relu"), (w2, b2, "identity")], False, [4])


def gemm_no_transb_alpha_beta_sigmoid_softmax():
    w1, b1, w2, b2 = weights(5, 4), bias(5), weights(3, 5), bias(3)
    n1 = helper.make_node("Gemm", ["input", "fc1.weight", "fc1.bias"], ["h1"], name="fc1",
                          alpha=0.5, beta=2.0, transB=0)
    inits = [tensor("fc1.weight", np.ascontiguousarray(w1.T)),
             tensor("fc1.bias", b1.reshape(1, 5))]
    n2, i2 = gemm("fc2", "a1", "logits", w2, b2, trans_b=0)
    nodes = [n1, act_node("Sigmoid", "h1", "a1", "sig1")] + n2 + [
        helper.make_node("Softmax", ["logits"], ["output"], name="softmax", axis=-1)]
    m = model(nodes, inits + i2, ["N", 4], ["N", 3], 13)
    layers = [(0.5 * w1, 2.0 * b1, "sigmoid"), (w2, b2, "identity")]
    valid("gemm_alpha_beta_sigmoid_softmax_opset13", m, layers, True, [4])


def matmul_add_both_orders_tanh():
    w1, b1, w2, b2 = weights(6, 5), bias(6), weights(4, 6), bias(4)
    nodes = [
        helper.make_node("MatMul", ["input", "w1"], ["m1"], name="/fc1/MatMul"),
        helper.make_node("Add", ["m1", "b1"], ["h1"], name="/fc1/Add"),
        act_node("Tanh", "h1", "a1", "/act/Tanh"),
        helper.make_node("MatMul", ["a1", "w2"], ["m2"], name="/fc2/MatMul"),
        helper.make_node("Add", ["b2", "m2"], ["h2"], name="/fc2/Add"),
        helper.make_node("Softmax", ["h2"], ["output"], name="/softmax/Softmax"),
    ]
    inits = [tensor("w1", np.ascontiguousarray(w1.T)), tensor("b1", b1),
             tensor("w2", np.ascontiguousarray(w2.T)), tensor("b2", b2)]
    m = model(nodes, inits, ["batch", 5], ["batch", 4], 17)
    valid("matmul_add_both_orders_tanh_opset17", m,
          [(w1, b1, "tanh"), (w2, b2, "identity")], True, [5])


def matmul_no_bias_leaky():
    w1, w2 = weights(6, 4), weights(2, 6)
    z1, z2 = np.zeros(6, np.float32), np.zeros(2, np.float32)
    nodes = [
        helper.make_node("MatMul", ["input", "w1"], ["m1"], name="mm1"),
        act_node("LeakyRelu", "m1", "a1", "leaky1", alpha=0.2),
        helper.make_node("MatMul", ["a1", "w2"], ["m2"], name="mm2"),
        act_node("LeakyRelu", "m2", "output", "leaky2"),
    ]
    inits = [tensor("w1", np.ascontiguousarray(w1.T)), tensor("w2", np.ascontiguousarray(w2.T))]
    m = model(nodes, inits, ["batch", 4], ["batch", 2], 13)
    valid("matmul_no_bias_leaky_relu_opset13", m,
          [(w1, z1, "leaky_relu:0.2"), (w2, z2, "leaky_relu:0.01")], False, [4])


def gelu_op():
    w1, b1, w2, b2 = weights(8, 4), bias(8), weights(3, 8), bias(3)
    n1, i1 = gemm("fc1", "input", "h1", w1, b1)
    n2, i2 = gemm("fc2", "a1", "output", w2, b2)
    nodes = n1 + [act_node("Gelu", "h1", "a1", "gelu1", approximate="none")] + n2
    m = model(nodes, i1 + i2, ["batch", 4], ["batch", 3], 20)
    valid("gelu_opset20", m, [(w1, b1, "gelu"), (w2, b2, "identity")], False, [4])


def constant(name, value):
    return helper.make_node("Constant", [], [name], name=name,
                            value=numpy_helper.from_array(np.array(value, np.float32), name))


def erf_gelu_torch():
    """The nodes torch.onnx.export writes for nn.GELU() (opsets 11-17), Constant nodes and all."""
    w1, b1, w2, b2 = weights(7, 4), bias(7), weights(3, 7), bias(3)
    n1, i1 = gemm("/fc1/Gemm", "input", "h1", w1, b1)
    n2, i2 = gemm("/fc2/Gemm", "g", "output", w2, b2)
    nodes = n1 + [
        constant("/act/Constant_output_0", 1.4142135381698608),
        helper.make_node("Div", ["h1", "/act/Constant_output_0"], ["d"], name="/act/Div"),
        helper.make_node("Erf", ["d"], ["e"], name="/act/Erf"),
        constant("/act/Constant_1_output_0", 1.0),
        helper.make_node("Add", ["e", "/act/Constant_1_output_0"], ["a"], name="/act/Add"),
        helper.make_node("Mul", ["h1", "a"], ["m"], name="/act/Mul"),
        constant("/act/Constant_2_output_0", 0.5),
        helper.make_node("Mul", ["m", "/act/Constant_2_output_0"], ["g"], name="/act/Mul_1"),
    ] + n2
    m = model(nodes, i1 + i2, ["batch", 4], ["batch", 3], 17)
    valid("erf_gelu_torch_opset17", m, [(w1, b1, "gelu"), (w2, b2, "identity")], False, [4])


def erf_gelu_half_first():
    """The same GELU with x * 0.5 taken first and operands swapped, constants as initializers."""
    w1, b1 = weights(5, 3), bias(5)
    n1, i1 = gemm("fc1", "input", "h1", w1, b1)
    nodes = n1 + [
        helper.make_node("Div", ["h1", "sqrt2"], ["d"], name="gelu/div"),
        helper.make_node("Erf", ["d"], ["e"], name="gelu/erf"),
        helper.make_node("Add", ["one", "e"], ["a"], name="gelu/add"),
        helper.make_node("Mul", ["half", "h1"], ["hx"], name="gelu/half"),
        helper.make_node("Mul", ["a", "hx"], ["output"], name="gelu/mul"),
    ]
    consts = [tensor("sqrt2", np.array(math.sqrt(2), np.float32)),
              tensor("one", np.array(1.0, np.float32)),
              tensor("half", np.array(0.5, np.float32))]
    m = model(nodes, i1 + consts, ["batch", 3], ["batch", 5], 13)
    valid("erf_gelu_half_first_opset13", m, [(w1, b1, "gelu")], False, [3])


def float_data():
    w1, b1, w2, b2 = weights(4, 3), bias(4), weights(2, 4), bias(2)
    nodes = [helper.make_node("Gemm", ["input", "w1", "b1"], ["h1"], name="fc1", transB=1),
             act_node("Relu", "h1", "a1", "relu1"),
             helper.make_node("Gemm", ["a1", "w2", "b2"], ["output"], name="fc2", transB=1)]
    inits = [tensor("w1", w1, as_raw=False), tensor("b1", b1, as_raw=False),
             tensor("w2", w2, as_raw=False), tensor("b2", b2, as_raw=False)]
    m = model(nodes, inits, ["batch", 3], ["batch", 2], 13)
    valid("float_data_opset13", m, [(w1, b1, "relu"), (w2, b2, "identity")], False, [3])


def cast_initializers(name, dtype, onnx_type, converted):
    """Weights stored in another precision, Cast to float32 inside the graph."""
    w1, b1, w2, b2 = weights(5, 4), bias(5), weights(3, 5), bias(3)
    stored = [a.astype(dtype) for a in (w1, b1, w2, b2)]
    names = ["w1", "b1", "w2", "b2"]
    inits = [numpy_helper.from_array(a, n + "_stored") for a, n in zip(stored, names)]
    nodes = [helper.make_node("Cast", [n + "_stored"], [n], name="cast_" + n,
                              to=TensorProto.FLOAT) for n in names]
    nodes += [helper.make_node("Gemm", ["input", "w1", "b1"], ["h1"], name="fc1", transB=1),
              act_node("Relu", "h1", "a1", "relu1"),
              helper.make_node("Gemm", ["a1", "w2", "b2"], ["output"], name="fc2", transB=1)]
    m = model(nodes, inits, ["batch", 4], ["batch", 3], 13)
    w1, b1, w2, b2 = [a.astype(np.float32) for a in stored]
    valid(name, m, [(w1, b1, "relu"), (w2, b2, "identity")], False, [4], converted)


def external_data():
    w1, b1, w2, b2 = weights(6, 4), bias(6), weights(3, 6), bias(3)
    n1, i1 = gemm("fc1", "input", "h1", w1, b1)
    n2, i2 = gemm("fc2", "a1", "output", w2, b2)
    nodes = n1 + [act_node("Relu", "h1", "a1", "relu1")] + n2
    inits = i1 + i2
    blob = bytearray()
    for t in inits:
        raw = t.raw_data
        while len(blob) % 64:
            blob.append(0)
        offset = len(blob)
        blob += raw
        t.ClearField("raw_data")
        t.data_location = TensorProto.EXTERNAL
        for k, v in (("location", "external_data.weights"), ("offset", str(offset)),
                     ("length", str(len(raw)))):
            e = t.external_data.add()
            e.key, e.value = k, v
    with open(os.path.join(HERE, "external_data.weights"), "wb") as f:
        f.write(bytes(blob))
    m = model(nodes, inits, ["batch", 4], ["batch", 3], 13)
    valid("external_data_opset13", m, [(w1, b1, "relu"), (w2, b2, "identity")], False, [4])


def flatten_reshape_dropout_identity():
    w1, b1, w2, b2 = weights(5, 6), bias(5), weights(3, 5), bias(3)
    n1, i1 = gemm("fc1", "flat", "h1", w1, b1)
    n2, i2 = gemm("fc2", "i2", "logits", w2, b2)
    nodes = [helper.make_node("Flatten", ["input"], ["flat"], name="flatten", axis=1)] + n1 + [
        act_node("Relu", "h1", "a1", "relu1"),
        helper.make_node("Reshape", ["a1", "shape"], ["r1"], name="reshape"),
        helper.make_node("Dropout", ["r1"], ["d1"], name="dropout", ratio=0.3),
        act_node("Identity", "d1", "i2", "identity"),
    ] + n2 + [helper.make_node("Softmax", ["logits"], ["output"], name="softmax")]
    inits = i1 + i2 + [numpy_helper.from_array(np.array([-1, 5], np.int64), "shape")]
    m = model(nodes, inits, ["batch", 2, 3], ["batch", 3], 11)
    valid("flatten_reshape_dropout_softmax_opset11", m,
          [(w1, b1, "relu"), (w2, b2, "identity")], True, [2, 3])


def reshape_keep_batch():
    w1, b1 = weights(3, 4), bias(3)
    nodes = [
        helper.make_node("Reshape", ["input", "shape"], ["flat"], name="reshape"),
        helper.make_node("MatMul", ["flat", "w1"], ["m1"], name="mm1"),
        helper.make_node("Add", ["m1", "b1"], ["h1"], name="add1"),
        helper.make_node("Dropout", ["h1"], ["output", "mask"], name="dropout"),
    ]
    inits = [numpy_helper.from_array(np.array([0, -1], np.int64), "shape"),
             tensor("w1", np.ascontiguousarray(w1.T)), tensor("b1", b1)]
    m = model(nodes, inits, ["batch", 2, 2], ["batch", 3], 13)
    valid("reshape_keep_batch_dropout_opset13", m, [(w1, b1, "identity")], False, [2, 2])


def legacy_inputs_constant_shape():
    """Initializers also listed as graph inputs (as exporters before IR 4 wrote them), and a
    Reshape whose shape comes from a Constant node."""
    w1, b1 = weights(3, 4), bias(3)
    nodes = [
        helper.make_node("Constant", [], ["shape"], name="shape_const",
                         value=numpy_helper.from_array(np.array([-1, 4], np.int64), "shape")),
        helper.make_node("Reshape", ["input", "shape"], ["flat"], name="reshape"),
    ]
    n1, i1 = gemm("fc1", "flat", "h1", w1, b1)
    nodes += n1 + [act_node("Sigmoid", "h1", "output", "sig1")]
    graph = helper.make_graph(
        nodes, "g",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 4])]
        + [helper.make_tensor_value_info(t.name, TensorProto.FLOAT, list(t.dims)) for t in i1],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", 3])], i1)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)])
    m.ir_version = 6
    valid("legacy_inputs_constant_shape_opset11", m, [(w1, b1, "sigmoid")], False, [4])


def transposed_weights():
    """Weights kept in PyTorch's [out, in] orientation and transposed in the graph for MatMul."""
    w1, b1 = weights(3, 5), bias(3)
    nodes = [
        helper.make_node("Transpose", ["fc.weight"], ["wt"], name="/fc/Transpose", perm=[1, 0]),
        helper.make_node("MatMul", ["input", "wt"], ["m"], name="/fc/MatMul"),
        helper.make_node("Add", ["m", "fc.bias"], ["h"], name="/fc/Add"),
        act_node("Relu", "h", "output", "/act/Relu"),
    ]
    inits = [tensor("fc.weight", w1), tensor("fc.bias", b1)]
    m = model(nodes, inits, ["batch", 5], ["batch", 3], 18)
    valid("transposed_weights_opset18", m, [(w1, b1, "relu")], False, [5])


def int64_constant(name, value):
    return helper.make_node("Constant", [], [name], name=name.replace("_output_0", ""),
                            value=numpy_helper.from_array(np.array(value, np.int64), name))


def torch_view_flatten_nodes(opset, constant_nodes, gather_index=0, rest=-1):
    """The nodes torch.onnx.export writes for x.view(x.size(0), -1) with a dynamic batch:
    Shape -> Gather(0) -> Unsqueeze (axes as an attribute up to opset 12, as an input from 13)
    -> Concat with [-1] -> Reshape. Returns (nodes, initializers); the result is "flat"."""
    nodes = [helper.make_node("Shape", ["input"], ["/Shape_output_0"], name="/Shape")]
    inits = []

    def const(name, value):
        if constant_nodes:
            nodes.append(int64_constant(name, value))
        else:
            inits.append(numpy_helper.from_array(np.array(value, np.int64), name))

    const("/Constant_output_0", gather_index)
    nodes.append(helper.make_node("Gather", ["/Shape_output_0", "/Constant_output_0"],
                                  ["/Gather_output_0"], name="/Gather", axis=0))
    if opset <= 12:
        nodes.append(helper.make_node("Unsqueeze", ["/Gather_output_0"], ["/Unsqueeze_output_0"],
                                      name="/Unsqueeze", axes=[0]))
    else:
        const("/Constant_1_output_0", [0])
        nodes.append(helper.make_node("Unsqueeze", ["/Gather_output_0", "/Constant_1_output_0"],
                                      ["/Unsqueeze_output_0"], name="/Unsqueeze"))
    const("/Constant_2_output_0", [rest])
    nodes.append(helper.make_node("Concat", ["/Unsqueeze_output_0", "/Constant_2_output_0"],
                                  ["/Concat_output_0"], name="/Concat", axis=0))
    nodes.append(helper.make_node("Reshape", ["input", "/Concat_output_0"], ["flat"],
                                  name="/Reshape"))
    return nodes, inits


def torch_view_flatten(opset, constant_nodes):
    """x.view(x.size(0), -1) before two Gemm layers, as PyTorch exports it at this opset."""
    w1, b1, w2, b2 = weights(5, 12), bias(5), weights(3, 5), bias(3)
    flat, flat_inits = torch_view_flatten_nodes(opset, constant_nodes)
    n1, i1 = gemm("/fc1/Gemm", "flat", "h1", w1, b1)
    n2, i2 = gemm("/fc2/Gemm", "a1", "output", w2, b2)
    nodes = flat + n1 + [act_node("Relu", "h1", "a1", "/act/Relu")] + n2
    m = model(nodes, flat_inits + i1 + i2, ["batch", 2, 3, 2], ["batch", 3], opset)
    valid("torch_view_flatten_opset%d" % opset, m, [(w1, b1, "relu"), (w2, b2, "identity")],
          False, [2, 3, 2])


def torch_view_flatten_fixtures():
    torch_view_flatten(11, constant_nodes=True)
    torch_view_flatten(13, constant_nodes=False)
    torch_view_flatten(17, constant_nodes=True)
    for name, kwargs, fragments in [
            ("invalid_view_gather_index1", {"gather_index": 1}, ("/Gather", "dimension 0")),
            ("invalid_view_concat_rest", {"rest": 4}, ("/Concat", "[-1]"))]:
        w1, b1 = weights(3, 12), bias(3)
        flat, flat_inits = torch_view_flatten_nodes(13, True, **kwargs)
        n1, i1 = gemm("fc1", "flat", "output", w1, b1)
        invalid(name, model(flat + n1, flat_inits + i1, ["batch", 2, 3, 2], ["batch", 3], 13),
                *fragments)


# ---- invalid fixtures ----------------------------------------------------------------------

def simple_mlp(opset=13):
    w1, b1, w2, b2 = weights(6, 4), bias(6), weights(3, 6), bias(3)
    n1, i1 = gemm("fc1", "input", "h1", w1, b1)
    n2, i2 = gemm("fc2", "a1", "output", w2, b2)
    return n1 + [act_node("Relu", "h1", "a1", "relu1")] + n2, i1 + i2


def invalid_fixtures():
    nodes, inits = simple_mlp()
    nodes[1] = helper.make_node("Conv", ["h1", "fc1.weight"], ["a1"], name="conv1")
    invalid("invalid_unsupported_conv", model(nodes, inits, ["batch", 4], ["batch", 3], 13),
            "conv1", "Conv", "not supported")

    nodes, inits = simple_mlp()
    nodes[1:2] = [act_node("Relu", "h1", "r", "relu1"), act_node("Sigmoid", "h1", "s", "sig1"),
                  helper.make_node("Add", ["r", "s"], ["a1"], name="join")]
    invalid("invalid_branch", model(nodes, inits, ["batch", 4], ["batch", 3], 13),
            "fc1", "Gemm", "2 consumers")

    nodes, inits = simple_mlp()
    nodes[0].input[1] = "missing.weight"
    invalid("invalid_missing_initializer", model(nodes, inits, ["batch", 4], ["batch", 3], 13),
            "fc1", "Gemm", "missing.weight")

    w1, b1, w2, b2 = weights(6, 4), bias(6), weights(3, 5), bias(3)
    n1, i1 = gemm("fc1", "input", "h1", w1, b1)
    n2, i2 = gemm("fc2", "a1", "output", w2, b2)
    nodes = n1 + [act_node("Relu", "h1", "a1", "relu1")] + n2
    invalid("invalid_shape_mismatch", model(nodes, i1 + i2, ["batch", 4], ["batch", 3], 13),
            "fc2", "Gemm", "6")

    nodes, inits = simple_mlp()
    g = helper.make_graph(nodes, "g", [
        helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 4]),
        helper.make_tensor_value_info("extra", TensorProto.FLOAT, ["batch", 4])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", 3])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    invalid("invalid_second_input", m, "extra", "input")

    nodes, inits = simple_mlp(20)
    nodes[1] = act_node("Gelu", "h1", "a1", "gelu1", approximate="tanh")
    invalid("invalid_gelu_tanh", model(nodes, inits, ["batch", 4], ["batch", 3], 20),
            "gelu1", "Gelu", "tanh")

    nodes, inits = simple_mlp()
    nodes[1] = helper.make_node("Softmax", ["h1"], ["a1"], name="early_softmax")
    invalid("invalid_softmax_not_last", model(nodes, inits, ["batch", 4], ["batch", 3], 13),
            "early_softmax", "Softmax", "last")

    nodes, inits = simple_mlp()
    nodes.append(helper.make_node("Softmax", ["output0"], ["output"], name="sm", axis=0))
    nodes[2].output[0] = "output0"
    invalid("invalid_softmax_axis0", model(nodes, inits, ["batch", 4], ["batch", 3], 13),
            "sm", "Softmax", "axis")

    nodes, inits = simple_mlp()
    nodes[0].attribute.append(helper.make_attribute("transA", 1))
    invalid("invalid_gemm_transa", model(nodes, inits, ["batch", 4], ["batch", 3], 13),
            "fc1", "Gemm", "transA")

    nodes, inits = simple_mlp()
    inits[0].raw_data = inits[0].raw_data[:-4]
    invalid("invalid_raw_data_short", model(nodes, inits, ["batch", 4], ["batch", 3], 13),
            "fc1.weight", "raw_data")

    nodes, inits = simple_mlp()
    del inits[0].dims[:]
    inits[0].dims.extend([-6, 4])
    invalid("invalid_negative_dim", model(nodes, inits, ["batch", 4], ["batch", 3], 13),
            "fc1.weight", "negative")

    nodes, inits = simple_mlp()
    del inits[0].dims[:]
    inits[0].dims.extend([1 << 20, 1 << 20])
    invalid("invalid_huge_dims", model(nodes, inits, ["batch", 4], ["batch", 3], 13),
            "fc1.weight", "elements")

    for name, location, frag in (("invalid_external_escape", "../escape.weights", "outside"),
                                 ("invalid_external_missing", "nonexistent.weights", "nonexistent"),
                                 ("invalid_external_past_end", "external_data.weights", "past")):
        nodes, inits = simple_mlp()
        t = inits[0]
        length = len(t.raw_data)
        t.ClearField("raw_data")
        t.data_location = TensorProto.EXTERNAL
        offset = "0" if name != "invalid_external_past_end" else "100000"
        for k, v in (("location", location), ("offset", offset), ("length", str(length))):
            e = t.external_data.add()
            e.key, e.value = k, v
        invalid(name, model(nodes, inits, ["batch", 4], ["batch", 3], 13), "fc1.weight", frag)

    nodes, inits = simple_mlp()
    nodes.insert(2, act_node("Sigmoid", "a1", "s1", "sig_after_relu"))
    nodes[3].input[0] = "s1"
    invalid("invalid_two_activations", model(nodes, inits, ["batch", 4], ["batch", 3], 13),
            "sig_after_relu", "Sigmoid", "one activation")

    nodes, inits = simple_mlp()
    nodes[1] = helper.make_node("Gelu", ["h1"], ["a1"], name="ms_gelu", domain="com.microsoft")
    m = model(nodes, inits, ["batch", 4], ["batch", 3], 13)
    m.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    invalid("invalid_custom_domain", m, "ms_gelu", "Gelu", "com.microsoft")

    nodes, inits = simple_mlp(13)
    nodes[1:2] = [helper.make_node("Dropout", ["h1", "", "train"], ["a1"], name="drop")]
    inits.append(numpy_helper.from_array(np.array(True), "train"))
    invalid("invalid_dropout_training", model(nodes, inits, ["batch", 4], ["batch", 3], 13),
            "drop", "Dropout", "training")

    nodes, inits = simple_mlp()
    good = model(nodes, inits, ["batch", 4], ["batch", 3], 13).SerializeToString()
    invalid("invalid_truncated", good[: len(good) // 2], "parse")
    invalid("invalid_garbage", bytes(RNG.integers(0, 256, 300, dtype=np.uint8)), "parse")


def main():
    gemm_transb_relu()
    gemm_no_transb_alpha_beta_sigmoid_softmax()
    matmul_add_both_orders_tanh()
    matmul_no_bias_leaky()
    gelu_op()
    erf_gelu_torch()
    erf_gelu_half_first()
    float_data()
    cast_initializers("float16_initializers_opset13", np.float16, TensorProto.FLOAT16, "float16")
    cast_initializers("float64_initializers_opset13", np.float64, TensorProto.DOUBLE, "float64")
    external_data()
    flatten_reshape_dropout_identity()
    reshape_keep_batch()
    legacy_inputs_constant_shape()
    transposed_weights()
    invalid_fixtures()
    # Last, so that adding them left the random weights of the fixtures above unchanged.
    torch_view_flatten_fixtures()
    with open(os.path.join(HERE, "manifest.tsv"), "w") as f:
        f.write("\n".join(MANIFEST) + "\n")


if __name__ == "__main__":
    main()
