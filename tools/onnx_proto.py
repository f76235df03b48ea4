"""Writes ONNX models (onnx.proto, protobuf wire format) with the standard library.

    g = Graph()
    g.input("x", INT64, [1, "n"]); y = g.node("Cast", ["x"], to=FLOAT); g.output(y, FLOAT, [1, "n"])
    open("m.onnx", "wb").write(g.model(opset=18, metadata={"sample_rate": 24000}))

Only what our converters emit: nodes with int/float/string/ints/floats/tensor attributes, initializers as raw
little-endian bytes, graph inputs and outputs with element type and (symbolic) shape, model metadata.
Repeated scalars are written unpacked, which every protobuf reader accepts.
"""

import struct

# TensorProto.DataType
FLOAT, UINT8, INT8, INT32, INT64, BOOL, FLOAT16 = 1, 2, 3, 6, 7, 9, 10
IR_VERSION = 8  # ONNX 1.13, the first with opset 18


def varint(value):
    value &= (1 << 64) - 1  # negative int64 values are written as their two's complement
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _key(number, wire):
    return varint(number << 3 | wire)


def _int(number, value):
    return _key(number, 0) + varint(value)


def length_delimited(number, payload):
    if isinstance(payload, str):
        payload = payload.encode()
    return _key(number, 2) + varint(len(payload)) + bytes(payload)


def _float(number, value):
    return _key(number, 5) + struct.pack("<f", value)


def tensor(name, data_type, dims, raw):
    """TensorProto {dims = 1, data_type = 2, name = 8, raw_data = 9}."""
    return b"".join(_int(1, d) for d in dims) + _int(2, data_type) + length_delimited(8, name) + length_delimited(9, raw)


def _attribute(name, value):
    """AttributeProto {name = 1, f = 2, i = 3, s = 4, t = 5, floats = 7, ints = 8, type = 20}."""
    out = length_delimited(1, name)
    if isinstance(value, bool) or isinstance(value, int):
        return out + _int(3, int(value)) + _int(20, 2)
    if isinstance(value, float):
        return out + _float(2, value) + _int(20, 1)
    if isinstance(value, str):
        return out + length_delimited(4, value) + _int(20, 3)
    if isinstance(value, Tensor):
        return out + length_delimited(5, value.proto) + _int(20, 4)
    if all(isinstance(v, int) for v in value):
        return out + b"".join(_int(8, v) for v in value) + _int(20, 7)
    return out + b"".join(_float(7, v) for v in value) + _int(20, 6)


class Tensor:
    """A tensor value for an attribute (e.g. ConstantOfShape's value)."""

    def __init__(self, data_type, dims, raw):
        self.proto = tensor("", data_type, dims, raw)


def _value_info(name, elem_type, shape):
    """ValueInfoProto {name = 1, type = 2: TypeProto {tensor_type = 1: {elem_type = 1, shape = 2}}}."""
    dims = b""
    for d in shape:
        dims += length_delimited(1, _int(1, d) if isinstance(d, int) else length_delimited(2, d))  # Dimension {dim_value, dim_param}
    tensor_type = _int(1, elem_type) + length_delimited(2, dims)
    return length_delimited(1, name) + length_delimited(2, length_delimited(1, tensor_type))


class Graph:
    def __init__(self, name="graph"):
        self.name = name
        self.nodes = []
        self.initializers = []
        self.inputs = []
        self.outputs = []
        self._count = 0

    def fresh(self, hint):
        self._count += 1
        return f"{hint}__{self._count}"

    def initializer(self, name, data_type, dims, raw):
        self.initializers.append(tensor(name, data_type, dims, raw))
        return name

    def const(self, data_type, dims, raw, hint="const"):
        return self.initializer(self.fresh(hint), data_type, dims, raw)

    def ints(self, values, hint="ints"):
        """A 1-D int64 initializer."""
        return self.const(INT64, [len(values)], struct.pack(f"<{len(values)}q", *values), hint)

    def floats(self, values, dims=None, hint="floats"):
        dims = [len(values)] if dims is None else dims
        return self.const(FLOAT, dims, struct.pack(f"<{len(values)}f", *values), hint)

    def node(self, op_type, inputs, outputs=None, name=None, **attributes):
        """Appends a node; returns its output name, or the list of them when it has several. `outputs` is the
        output names, or how many fresh ones to make (default one)."""
        if outputs is None or isinstance(outputs, int):
            outputs = [self.fresh(op_type) for _ in range(outputs or 1)]
        proto = b"".join(length_delimited(1, i) for i in inputs) + b"".join(length_delimited(2, o) for o in outputs)
        proto += length_delimited(3, name or self.fresh(op_type)) + length_delimited(4, op_type)
        proto += b"".join(length_delimited(5, _attribute(k, v)) for k, v in sorted(attributes.items()))
        self.nodes.append(proto)
        return outputs[0] if len(outputs) == 1 else outputs

    def input(self, name, elem_type, shape):
        self.inputs.append(_value_info(name, elem_type, shape))
        return name

    def output(self, name, elem_type, shape):
        self.outputs.append(_value_info(name, elem_type, shape))
        return name

    def model(self, opset=18, metadata=None, producer="yivideo"):
        graph = b"".join(length_delimited(1, n) for n in self.nodes) + length_delimited(2, self.name)
        graph += b"".join(length_delimited(5, t) for t in self.initializers)
        graph += b"".join(length_delimited(11, i) for i in self.inputs) + b"".join(length_delimited(12, o) for o in self.outputs)
        out = _int(1, IR_VERSION) + length_delimited(2, producer) + length_delimited(7, graph)
        out += length_delimited(8, length_delimited(1, "") + _int(2, opset))  # OperatorSetIdProto {domain = 1, version = 2}
        for key, value in (metadata or {}).items():
            out += length_delimited(14, length_delimited(1, key) + length_delimited(2, str(value)))
        return out
