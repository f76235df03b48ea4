"""Reads a TFLite model (a FlatBuffer, schema tensorflow/lite/schema/schema.fbs) without TensorFlow.

    model = read(open("x.tflite", "rb").read())
    for op in model.operators: op.name, op.inputs, op.outputs, op.options

Only what a converter needs: the first subgraph's tensors (shape, type, name, constant bytes, quantization),
its operators in execution order with their builtin options decoded into a dict, and its inputs and outputs.
FlatBuffers are read directly (a table is an offset to a vtable of field offsets; vectors and strings are
offsets to a length and the items), so the file is never copied. Only the standard library.
"""

import struct

# TensorType -> (name, struct format of one item, or None for types without a fixed size)
TENSOR_TYPES = {
    0: ("float32", "f"),
    1: ("float16", "e"),
    2: ("int32", "i"),
    3: ("uint8", "B"),
    4: ("int64", "q"),
    5: ("string", None),
    6: ("bool", "?"),
    7: ("int16", "h"),
    9: ("int8", "b"),
}

# BuiltinOperator values used by the graphs we convert (schema.fbs); anything else is refused by name.
BUILTIN_NAMES = {
    0: "ADD", 2: "CONCATENATION", 3: "CONV_2D", 4: "DEPTHWISE_CONV_2D", 6: "DEQUANTIZE", 7: "EMBEDDING_LOOKUP",
    9: "FULLY_CONNECTED", 14: "LOGISTIC", 18: "MUL", 19: "RELU", 22: "RESHAPE", 25: "SOFTMAX", 28: "TANH",
    32: "CUSTOM", 34: "PAD", 36: "GATHER", 37: "BATCH_TO_SPACE_ND", 38: "SPACE_TO_BATCH_ND", 39: "TRANSPOSE",
    40: "MEAN", 41: "SUB", 42: "DIV", 43: "SQUEEZE", 45: "STRIDED_SLICE", 47: "EXP", 49: "SPLIT", 53: "CAST",
    55: "MAXIMUM", 57: "MINIMUM", 58: "LESS", 59: "NEG", 61: "GREATER", 62: "GREATER_EQUAL", 63: "LESS_EQUAL",
    64: "SELECT", 65: "SLICE", 67: "TRANSPOSE_CONV", 69: "TILE", 70: "EXPAND_DIMS", 71: "EQUAL", 72: "NOT_EQUAL",
    73: "LOG", 74: "SUM", 75: "SQRT", 76: "RSQRT", 77: "SHAPE", 78: "POW", 81: "REDUCE_PROD", 82: "REDUCE_MAX",
    83: "PACK", 85: "ONE_HOT", 86: "LOGICAL_AND", 88: "UNPACK", 90: "FLOOR_DIV", 95: "FLOOR_MOD", 92: "SQUARE", 94: "FILL",
    96: "RANGE", 98: "LEAKY_RELU", 99: "SQUARED_DIFFERENCE", 100: "MIRROR_PAD", 101: "ABS", 102: "SPLIT_V",
    106: "ADD_N", 107: "GATHER_ND", 109: "WHERE", 116: "ROUND", 123: "SELECT_V2", 126: "BATCH_MATMUL",
    127: "PLACEHOLDER_FOR_GREATER_OP_CODES", 8: "FLOOR", 104: "CEIL", 66: "SIN", 108: "COS", 150: "GELU",
    114: "QUANTIZE", 60: "PADV2", 80: "FAKE_QUANT", 93: "ZEROS_LIKE",
    130: "BROADCAST_TO", 131: "RFFT2D", 140: "BROADCAST_ARGS",
}

# Builtin options (schema.fbs tables), field by field: (name, kind, default). Kinds: b = int8/bool, i = int32,
# f = float32, vi = vector of int32.
_ACT = ("fused_activation_function", "b", 0)
OPTIONS = {
    "CONV_2D": [("padding", "b", 0), ("stride_w", "i", 0), ("stride_h", "i", 0), _ACT,
                ("dilation_w_factor", "i", 1), ("dilation_h_factor", "i", 1)],
    "DEPTHWISE_CONV_2D": [("padding", "b", 0), ("stride_w", "i", 0), ("stride_h", "i", 0),
                          ("depth_multiplier", "i", 0), _ACT, ("dilation_w_factor", "i", 1),
                          ("dilation_h_factor", "i", 1)],
    "FULLY_CONNECTED": [_ACT, ("weights_format", "b", 0), ("keep_num_dims", "b", 0),
                        ("asymmetric_quantize_inputs", "b", 0)],
    "SOFTMAX": [("beta", "f", 0.0)],
    "CONCATENATION": [("axis", "i", 0), _ACT],
    "ADD": [_ACT, ("pot_scale_int16", "b", 1)],
    "SUB": [_ACT, ("pot_scale_int16", "b", 1)],
    "MUL": [_ACT],
    "DIV": [_ACT],
    "RESHAPE": [("new_shape", "vi", None)],
    "GATHER": [("axis", "i", 0), ("batch_dims", "i", 0)],
    "MEAN": [("keep_dims", "b", 0)],
    "SUM": [("keep_dims", "b", 0)],
    "REDUCE_MAX": [("keep_dims", "b", 0)],
    "REDUCE_PROD": [("keep_dims", "b", 0)],
    "SQUEEZE": [("squeeze_dims", "vi", None)],
    "SPLIT": [("num_splits", "i", 0)],
    "SPLIT_V": [("num_splits", "i", 0)],
    "STRIDED_SLICE": [("begin_mask", "i", 0), ("end_mask", "i", 0), ("ellipsis_mask", "i", 0),
                      ("new_axis_mask", "i", 0), ("shrink_axis_mask", "i", 0), ("offset", "b", 0)],
    "CAST": [("in_data_type", "b", 0), ("out_data_type", "b", 0)],
    "TRANSPOSE_CONV": [("padding", "b", 0), ("stride_w", "i", 0), ("stride_h", "i", 0), _ACT],
    "SHAPE": [("out_type", "b", 2)],
    "PACK": [("values_count", "i", 0), ("axis", "i", 0)],
    "UNPACK": [("num", "i", 0), ("axis", "i", 0)],
    "ONE_HOT": [("axis", "i", 0)],
    "LEAKY_RELU": [("alpha", "f", 0.0)],
    "MIRROR_PAD": [("mode", "b", 0)],
    "BATCH_MATMUL": [("adj_x", "b", 0), ("adj_y", "b", 0), ("asymmetric_quantize_inputs", "b", 0)],
}


class Table:
    """A FlatBuffer table at `pos` of `buf`."""

    def __init__(self, buf, pos):
        self.buf = buf
        self.pos = pos
        self.vtable = pos - struct.unpack_from("<i", buf, pos)[0]
        self.vtable_size = struct.unpack_from("<H", buf, self.vtable)[0]

    def _field(self, index):
        entry = 4 + 2 * index
        if entry >= self.vtable_size:
            return 0
        offset = struct.unpack_from("<H", self.buf, self.vtable + entry)[0]
        return self.pos + offset if offset else 0

    def scalar(self, index, fmt, default=0):
        at = self._field(index)
        return struct.unpack_from("<" + fmt, self.buf, at)[0] if at else default

    def _target(self, index):
        at = self._field(index)
        return at + struct.unpack_from("<I", self.buf, at)[0] if at else 0

    def table(self, index):
        at = self._target(index)
        return Table(self.buf, at) if at else None

    def vector(self, index):
        """(position of the first item, count), or (0, 0) when absent."""
        at = self._target(index)
        return (at + 4, struct.unpack_from("<I", self.buf, at)[0]) if at else (0, 0)

    def scalars(self, index, fmt):
        start, count = self.vector(index)
        return list(struct.unpack_from(f"<{count}{fmt}", self.buf, start)) if count else []

    def tables(self, index):
        start, count = self.vector(index)
        out = []
        for i in range(count):
            at = start + 4 * i
            out.append(Table(self.buf, at + struct.unpack_from("<I", self.buf, at)[0]))
        return out

    def bytes(self, index):
        start, count = self.vector(index)
        return self.buf[start:start + count] if count else b""

    def string(self, index):
        return bytes(self.bytes(index)).decode("utf-8")


class Tensor:
    def __init__(self, index, table, buffers):
        self.index = index
        self.shape = table.scalars(0, "i")
        type_code = table.scalar(1, "b")
        if type_code not in TENSOR_TYPES:
            raise ValueError(f"tensor {index}: unsupported type {type_code}")
        self.type, self.item = TENSOR_TYPES[type_code]
        self.name = table.string(3)
        data = buffers[table.scalar(2, "I")]
        self.data = data if len(data) else None  # the constant's little-endian bytes, or None for an activation
        quant = table.table(4)
        self.scale = quant.scalars(2, "f") if quant else []
        self.zero_point = quant.scalars(3, "q") if quant else []
        self.quantized_dimension = quant.scalar(6, "i") if quant else 0
        self.shape_signature = table.scalars(7, "i") or self.shape

    def values(self):
        """The constant's items as a flat list."""
        count = len(self.data) // struct.calcsize(self.item)
        return list(struct.unpack_from(f"<{count}{self.item}", self.data))


class Operator:
    def __init__(self, table, codes):
        self.name, self.custom = codes[table.scalar(0, "I")]
        self.inputs = table.scalars(1, "i")  # -1 marks an absent optional input
        self.outputs = table.scalars(2, "i")
        self.options = {}
        fields = OPTIONS.get(self.name, [])
        opts = table.table(4)
        for i, (name, kind, default) in enumerate(fields):
            if opts is None:
                self.options[name] = default
            elif kind == "vi":
                self.options[name] = opts.scalars(i, "i")
            else:
                self.options[name] = opts.scalar(i, kind, default)


class Model:
    def __init__(self, buf):
        if bytes(buf[4:8]) != b"TFL3":
            raise ValueError("not a TFLite model (no TFL3 identifier)")
        root = Table(buf, struct.unpack_from("<I", buf, 0)[0])
        codes = []
        for code in root.tables(1):
            number = max(code.scalar(0, "b"), code.scalar(3, "i"))
            if number == 32:
                codes.append(("CUSTOM", code.string(1)))
            elif number in BUILTIN_NAMES:
                codes.append((BUILTIN_NAMES[number], None))
            else:
                codes.append((f"BUILTIN_{number}", None))
        buffers = [b.bytes(0) for b in root.tables(4)]
        subgraph = root.tables(2)[0]
        self.tensors = [Tensor(i, t, buffers) for i, t in enumerate(subgraph.tables(0))]
        self.inputs = subgraph.scalars(1, "i")
        self.outputs = subgraph.scalars(2, "i")
        self.operators = [Operator(op, codes) for op in subgraph.tables(3)]


def read(buf):
    return Model(memoryview(buf))
