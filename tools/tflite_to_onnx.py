"""Converts a TFLite graph (tools/tflite_model.py) into ONNX nodes (tools/onnx_proto.py), op by op.

    outputs = convert(tflite_model, onnx_graph, prefix, inputs={tflite input index: onnx name}, random="expect")

Every TFLite operator becomes the ONNX nodes that compute the same thing, with the graph's own weights:
- Layout: TFLite convolutions are NHWC with OHWI filters; each becomes Transpose -> Conv (NCHW, OIHW filter
  reordered here) -> Transpose back. ONNX Runtime's layout optimizer cancels the transposes between
  convolutions, so the graph stays close to what TFLite ran.
- Quantized weights stay int8 and are dequantized in the graph (DequantizeLinear): the file keeps its size.
  TFLite's "hybrid" FULLY_CONNECTED/CONV_2D (int8 weights, float activations) also quantizes the activations
  on the fly; here they stay float, which is at least as exact, so outputs differ from TFLite's by that noise.
- Shape arithmetic keeps TFLite's int32; ONNX parameters that must be int64 (shapes, axes, pads, repeats)
  are converted where they are used (constants here, computed values by a Cast).
- Random ops: TFLite's FlexRandomUniform (a TensorFlow "select" op) appears in dropout layers exported in
  training mode, as `cast(uniform(shape) >= rate)`, a keep mask. With random="expect" that mask becomes its
  expected value 1 - rate (a scalar), which is what inference means by dropout: the layer's following scale
  1 / (1 - rate) then cancels it. With random="input" each uniform sample becomes a graph input, so a check
  can feed the samples TensorFlow drew and compare everything exactly; it also rounds the activations that
  enter a hybrid operator as TFLite does (symmetric int8, one scale per row of a FULLY_CONNECTED input and
  per batch entry of a CONV_2D input), so what remains is float rounding.
Anything else (an op or option the converter does not know) is refused with its name, never guessed.
"""

import struct

import onnx_proto as P

ONNX_TYPES = {"float32": P.FLOAT, "int32": P.INT32, "int64": P.INT64, "bool": P.BOOL, "int8": P.INT8,
              "uint8": P.UINT8, "float16": P.FLOAT16}
INT64_MAX = (1 << 63) - 1

BINARY = {"ADD": "Add", "SUB": "Sub", "MUL": "Mul", "DIV": "Div", "MAXIMUM": "Max", "MINIMUM": "Min",
          "GREATER_EQUAL": "GreaterOrEqual", "GREATER": "Greater", "LESS": "Less", "LESS_EQUAL": "LessOrEqual",
          "EQUAL": "Equal", "POW": "Pow", "LOGICAL_AND": "And"}
UNARY = {"TANH": "Tanh", "EXP": "Exp", "LOG": "Log", "ROUND": "Round", "RELU": "Relu", "LOGISTIC": "Sigmoid",
         "SQRT": "Sqrt", "NEG": "Neg", "ABS": "Abs", "FLOOR": "Floor", "CEIL": "Ceil", "SIN": "Sin", "COS": "Cos"}
REDUCE = {"MEAN": "ReduceMean", "SUM": "ReduceSum", "REDUCE_PROD": "ReduceProd", "REDUCE_MAX": "ReduceMax"}


def _transpose_bytes(data, shape, perm, item):
    """The constant `data` (row-major, `item` bytes an element) with its axes permuted."""
    strides = [item] * len(shape)
    for axis in range(len(shape) - 2, -1, -1):
        strides[axis] = strides[axis + 1] * shape[axis + 1]
    new_shape = [shape[p] for p in perm]
    rows = []

    def walk(axis, offset):
        if axis == len(perm) - 1:
            step = strides[perm[axis]]
            if step == item:
                rows.append(data[offset:offset + new_shape[axis] * item])
            else:
                for i in range(new_shape[axis]):
                    rows.append(data[offset + i * step:offset + i * step + item])
            return
        for i in range(new_shape[axis]):
            walk(axis + 1, offset + i * strides[perm[axis]])

    walk(0, 0)
    return b"".join(bytes(r) for r in rows), new_shape


class Converter:
    def __init__(self, model, graph, prefix, inputs, random):
        if random not in ("expect", "input"):
            raise ValueError("random must be 'expect' or 'input'")
        self.m = model
        self.g = graph
        self.prefix = prefix
        self.random = random
        self.names = dict(inputs)  # tflite tensor index -> onnx value name
        self.uniform = set()  # tensors that are U[0, 1) samples
        self.keep_probability = {}  # bool tensor -> P(true), for masks drawn from those samples
        self.random_inputs = []

    # -- values ----------------------------------------------------------------------------------------------
    def tensor(self, index):
        return self.m.tensors[index]

    def name(self, index):
        if index in self.names:
            return self.names[index]
        t = self.tensor(index)
        if t.data is None:
            raise ValueError(f"tensor {index} ({t.name}) is used before it is computed")
        self.names[index] = self.g.initializer(f"{self.prefix}c{index}", ONNX_TYPES[t.type], t.shape, t.data)
        return self.names[index]

    def out(self, op, k=0):
        """The ONNX name for output k of op (named after the TFLite tensor, for debugging)."""
        index = op.outputs[k]
        self.names[index] = f"{self.prefix}t{index}"
        return self.names[index]

    def constant(self, index):
        t = self.tensor(index)
        return t.values() if t.data is not None else None

    def int64(self, index, vector=False):
        """An int32 (or int64) parameter tensor as int64: a new constant, or a Cast of the computed value.
        `vector` makes a scalar a 1-D tensor, as ONNX wants axes."""
        values = self.constant(index)
        t = self.tensor(index)
        if values is not None:
            raw = struct.pack(f"<{len(values)}q", *values)
            dims = [len(values)] if vector else t.shape
            return self.g.const(P.INT64, dims, raw, f"{self.prefix}i64_{index}")
        value = self.name(index) if t.type == "int64" else self.g.node("Cast", [self.name(index)], to=P.INT64)
        return self.g.node("Reshape", [value, self.g.ints([-1])]) if vector else value

    def activation(self, value, code, result):
        if code == 0:
            return self.g.node("Identity", [value], [result])
        if code == 1:
            return self.g.node("Relu", [value], [result])
        if code == 4:
            return self.g.node("Tanh", [value], [result])
        bounds = {2: (-1.0, 1.0), 3: (0.0, 6.0)}[code]
        low, high = self.g.floats([bounds[0]], []), self.g.floats([bounds[1]], [])
        return self.g.node("Clip", [value, low, high], [result])

    def quantization(self, index):
        """DequantizeLinear's scale and zero point for an int8 tensor, and the axis for per-channel ones."""
        t = self.tensor(index)
        count = len(t.scale)
        if count == 0:
            raise ValueError(f"tensor {index} ({t.name}) is {t.type} without quantization parameters")
        dims = [] if count == 1 else [count]
        scale = self.g.floats(t.scale, dims, f"{self.prefix}scale")
        zero = self.g.const(ONNX_TYPES[t.type], dims, struct.pack(f"<{count}{t.item}", *t.zero_point),
                            f"{self.prefix}zero")
        return scale, zero, t.quantized_dimension

    def hybrid_input(self, x, weight_index, axes):
        """In a check graph, `x` rounded to TFLite's on-the-fly int8 (scale = max |x| / 127 over `axes`)."""
        if self.random != "input" or self.tensor(weight_index).type != "int8":
            return x
        peak = self.g.node("ReduceMax", [self.g.node("Abs", [x]), self.g.ints(axes)], keepdims=1)
        scale = self.g.node("Div", [peak, self.g.floats([127.0], [])])
        return self.g.node("Mul", [self.g.node("Round", [self.g.node("Div", [x, scale])]), scale])

    def weight(self, index, perm):
        """A constant filter or matrix with its axes permuted, as float (dequantized in the graph if int8)."""
        t = self.tensor(index)
        data, shape = _transpose_bytes(t.data, t.shape, perm, struct.calcsize(t.item))
        stored = self.g.const(ONNX_TYPES[t.type], shape, data, f"{self.prefix}w{index}")
        if t.type == "float32":
            return stored
        if t.type != "int8":
            raise ValueError(f"weight {t.name} of type {t.type}")
        scale, zero, axis = self.quantization(index)
        return self.g.node("DequantizeLinear", [stored, scale, zero], axis=perm.index(axis))

    # -- operators -------------------------------------------------------------------------------------------
    def convert(self):
        for op in self.m.operators:
            handler = getattr(self, "op_" + op.name, None)
            if op.name in BINARY:
                handler = self.binary
            elif op.name in UNARY:
                handler = self.unary
            elif op.name in REDUCE:
                handler = self.reduce
            if handler is None:
                raise ValueError(f"TFLite operator {op.name} {op.custom or ''} is not supported")
            if op.name != "CUSTOM" and any(i in self.uniform for i in op.inputs) and op.name != "GREATER_EQUAL":
                raise ValueError(f"{op.name} reads a random sample; only dropout masks are supported")
            handler(op)
        return {i: self.names[i] for i in self.m.outputs}

    def binary(self, op):
        if op.name == "GREATER_EQUAL" and op.inputs[0] in self.uniform and self.random == "expect":
            rate = self.constant(op.inputs[1])
            if rate is None or len(rate) != 1:
                raise ValueError("a dropout mask needs a constant rate")
            self.keep_probability[op.outputs[0]] = 1.0 - rate[0]
            return
        value = self.g.node(BINARY[op.name], [self.name(i) for i in op.inputs])
        self.activation(value, op.options.get("fused_activation_function", 0), self.out(op))

    def unary(self, op):
        self.g.node(UNARY[op.name], [self.name(op.inputs[0])], [self.out(op)])

    def reduce(self, op):
        self.g.node(REDUCE[op.name], [self.name(op.inputs[0]), self.int64(op.inputs[1], vector=True)], [self.out(op)],
                    keepdims=int(op.options["keep_dims"]))

    def op_NOT_EQUAL(self, op):
        equal = self.g.node("Equal", [self.name(i) for i in op.inputs])
        self.g.node("Not", [equal], [self.out(op)])

    def op_SQUARED_DIFFERENCE(self, op):
        diff = self.g.node("Sub", [self.name(i) for i in op.inputs])
        self.g.node("Mul", [diff, diff], [self.out(op)])

    def op_RSQRT(self, op):
        root = self.g.node("Sqrt", [self.name(op.inputs[0])])
        self.g.node("Reciprocal", [root], [self.out(op)])

    def op_FLOOR_MOD(self, op):
        fmod = int(self.tensor(op.inputs[0]).type.startswith("float"))  # ONNX Mod: fmod=0 is floor mod for ints
        self.g.node("Mod", [self.name(i) for i in op.inputs], [self.out(op)], fmod=fmod)

    def op_LEAKY_RELU(self, op):
        self.g.node("LeakyRelu", [self.name(op.inputs[0])], [self.out(op)], alpha=op.options["alpha"])

    def op_SOFTMAX(self, op):
        x = self.name(op.inputs[0])
        if op.options["beta"] != 1.0:
            x = self.g.node("Mul", [x, self.g.floats([op.options["beta"]], [])])
        self.g.node("Softmax", [x], [self.out(op)], axis=-1)

    def op_CAST(self, op):
        source = op.inputs[0]
        target = ONNX_TYPES[self.tensor(op.outputs[0]).type]
        if source in self.keep_probability:
            p = self.keep_probability[source]
            if target != P.FLOAT:
                raise ValueError("a dropout mask cast to a non-float type")
            self.g.node("Identity", [self.g.floats([p], [])], [self.out(op)])
            return
        self.g.node("Cast", [self.name(source)], [self.out(op)], to=target)

    def op_DEQUANTIZE(self, op):
        t = self.tensor(op.inputs[0])
        if t.type == "float16":
            self.g.node("Cast", [self.name(op.inputs[0])], [self.out(op)], to=P.FLOAT)
            return
        scale, zero, axis = self.quantization(op.inputs[0])
        self.g.node("DequantizeLinear", [self.name(op.inputs[0]), scale, zero], [self.out(op)], axis=axis)

    def op_QUANTIZE(self, op):
        scale, zero, axis = self.quantization(op.outputs[0])
        self.g.node("QuantizeLinear", [self.name(op.inputs[0]), scale, zero], [self.out(op)], axis=axis)

    def op_CUSTOM(self, op):
        if op.custom != "FlexRandomUniform":
            raise ValueError(f"custom operator {op.custom} is not supported")
        self.uniform.add(op.outputs[0])
        if self.random == "input":
            name = self.out(op)
            self.g.input(name, P.FLOAT, [f"{name}_d{i}" for i in range(3)])
            self.random_inputs.append((self.tensor(op.outputs[0]).name, name))
            self.uniform.discard(op.outputs[0])

    def op_RESHAPE(self, op):
        if len(op.inputs) > 1 and op.inputs[1] >= 0:
            shape = self.int64(op.inputs[1])
        else:
            shape = self.g.ints(op.options["new_shape"])
        self.g.node("Reshape", [self.name(op.inputs[0]), shape], [self.out(op)])

    def op_GATHER(self, op):
        if op.options["batch_dims"]:
            raise ValueError("GATHER with batch_dims is not supported")
        self.g.node("Gather", [self.name(i) for i in op.inputs], [self.out(op)], axis=op.options["axis"])

    def op_PACK(self, op):
        axis = op.options["axis"]
        parts = [self.g.node("Unsqueeze", [self.name(i), self.g.ints([axis])]) for i in op.inputs]
        self.g.node("Concat", parts, [self.out(op)], axis=axis)

    def op_EXPAND_DIMS(self, op):
        self.g.node("Unsqueeze", [self.name(op.inputs[0]), self.int64(op.inputs[1], vector=True)], [self.out(op)])

    def op_SQUEEZE(self, op):
        dims = op.options["squeeze_dims"]
        if not dims:
            raise ValueError("SQUEEZE without explicit dimensions is not supported")
        self.g.node("Squeeze", [self.name(op.inputs[0]), self.g.ints(dims)], [self.out(op)])

    def op_SHAPE(self, op):
        shape = self.g.node("Shape", [self.name(op.inputs[0])])
        self.g.node("Cast", [shape], [self.out(op)], to=ONNX_TYPES[self.tensor(op.outputs[0]).type])

    def op_TRANSPOSE(self, op):
        perm = self.constant(op.inputs[1])
        self.g.node("Transpose", [self.name(op.inputs[0])], [self.out(op)], perm=perm)

    def op_CONCATENATION(self, op):
        value = self.g.node("Concat", [self.name(i) for i in op.inputs], axis=op.options["axis"])
        self.activation(value, op.options["fused_activation_function"], self.out(op))

    def op_RANGE(self, op):
        self.g.node("Range", [self.name(i) for i in op.inputs], [self.out(op)])

    def op_FILL(self, op):
        self.g.node("Expand", [self.name(op.inputs[1]), self.int64(op.inputs[0])], [self.out(op)])

    def op_TILE(self, op):
        self.g.node("Tile", [self.name(op.inputs[0]), self.int64(op.inputs[1])], [self.out(op)])

    def op_WHERE(self, op):
        if len(op.inputs) != 1:
            raise ValueError("WHERE with x and y is not supported")
        coords = self.g.node("NonZero", [self.name(op.inputs[0])])
        coords = self.g.node("Transpose", [coords], perm=[1, 0])
        self.g.node("Cast", [coords], [self.out(op)], to=ONNX_TYPES[self.tensor(op.outputs[0]).type])

    def pads(self, index):
        """TFLite paddings [rank, 2] (before, after per axis) as ONNX Pad's [begins..., ends...]."""
        values = self.constant(index)
        if values is not None:
            return self.g.ints(values[0::2] + values[1::2])
        pairs = self.g.node("Transpose", [self.int64(index)], perm=[1, 0])
        return self.g.node("Reshape", [pairs, self.g.ints([-1])])

    def op_PAD(self, op):
        self.g.node("Pad", [self.name(op.inputs[0]), self.pads(op.inputs[1])], [self.out(op)])

    def op_MIRROR_PAD(self, op):
        if op.options["mode"] != 0:
            raise ValueError("MIRROR_PAD SYMMETRIC has no ONNX equivalent")
        self.g.node("Pad", [self.name(op.inputs[0]), self.pads(op.inputs[1])], [self.out(op)], mode="reflect")

    def op_STRIDED_SLICE(self, op):
        o = op.options
        if o["ellipsis_mask"] or o["new_axis_mask"] or o["offset"]:
            raise ValueError("STRIDED_SLICE with ellipsis, new axes or offsets is not supported")
        begin, end, strides = (self.constant(i) for i in op.inputs[1:4])
        if begin is None or end is None or strides is None:
            raise ValueError("STRIDED_SLICE with computed bounds is not supported")
        starts, ends, shrink = [], [], []
        for axis, (b, e, s) in enumerate(zip(begin, end, strides)):
            if o["begin_mask"] >> axis & 1:
                b = 0 if s > 0 else INT64_MAX
            if o["shrink_axis_mask"] >> axis & 1:
                e = b + 1 if b != -1 else INT64_MAX
                shrink.append(axis)
            elif o["end_mask"] >> axis & 1:
                e = INT64_MAX if s > 0 else -INT64_MAX
            starts.append(b)
            ends.append(e)
        axes = list(range(len(begin)))
        sliced = self.g.node("Slice", [self.name(op.inputs[0]), self.g.ints(starts), self.g.ints(ends),
                                       self.g.ints(axes), self.g.ints(strides)])
        if shrink:
            self.g.node("Squeeze", [sliced, self.g.ints(shrink)], [self.out(op)])
        else:
            self.g.node("Identity", [sliced], [self.out(op)])

    def op_BATCH_MATMUL(self, op):
        a, b = (self.name(i) for i in op.inputs)
        for flag, which in (("adj_x", 0), ("adj_y", 1)):
            if op.options[flag]:
                rank = len(self.tensor(op.inputs[which]).shape)
                perm = list(range(rank - 2)) + [rank - 1, rank - 2]
                if which == 0:
                    a = self.g.node("Transpose", [a], perm=perm)
                else:
                    b = self.g.node("Transpose", [b], perm=perm)
        self.g.node("MatMul", [a, b], [self.out(op)])

    def op_FULLY_CONNECTED(self, op):
        o = op.options
        if o["weights_format"]:
            raise ValueError("FULLY_CONNECTED with shuffled weights is not supported")
        x = self.name(op.inputs[0])
        weights = self.tensor(op.inputs[1])
        if not o["keep_num_dims"]:
            x = self.g.node("Reshape", [x, self.g.ints([-1, weights.shape[1]])])
        x = self.hybrid_input(x, op.inputs[1], [-1])
        value = self.g.node("MatMul", [x, self.weight(op.inputs[1], [1, 0])])
        if len(op.inputs) > 2 and op.inputs[2] >= 0:
            value = self.g.node("Add", [value, self.name(op.inputs[2])])
        self.activation(value, o["fused_activation_function"], self.out(op))

    def conv(self, op, onnx_op, x, weight, bias, **attributes):
        """Runs an NCHW ONNX convolution on an NHWC TFLite value."""
        nchw = self.g.node("Transpose", [x], perm=[0, 3, 1, 2])
        inputs = [nchw, weight] + ([bias] if bias else [])
        value = self.g.node(onnx_op, inputs, **attributes)
        nhwc = self.g.node("Transpose", [value], perm=[0, 2, 3, 1])
        self.activation(nhwc, op.options.get("fused_activation_function", 0), self.out(op))

    def op_CONV_2D(self, op):
        o = op.options
        bias = self.name(op.inputs[2]) if len(op.inputs) > 2 and op.inputs[2] >= 0 else None
        x = self.hybrid_input(self.name(op.inputs[0]), op.inputs[1], [1, 2, 3])
        self.conv(op, "Conv", x, self.weight(op.inputs[1], [0, 3, 1, 2]), bias,
                  strides=[o["stride_h"], o["stride_w"]],
                  dilations=[o["dilation_h_factor"], o["dilation_w_factor"]],
                  auto_pad="SAME_UPPER" if o["padding"] == 0 else "VALID")

    def op_TRANSPOSE_CONV(self, op):
        # Inputs: output shape, filter [out, kh, kw, in], value, optional bias. TF's SAME makes the output
        # exactly input * stride, cropping k - stride of the full transposed convolution, the smaller half first.
        o = op.options
        kernel = self.tensor(op.inputs[1]).shape
        strides = [o["stride_h"], o["stride_w"]]
        pads = [0, 0, 0, 0]
        if o["padding"] == 0:
            for axis, (k, s) in enumerate(zip(kernel[1:3], strides)):
                total = max(k - s, 0)
                pads[axis], pads[axis + 2] = total // 2, total - total // 2
        bias = self.name(op.inputs[3]) if len(op.inputs) > 3 and op.inputs[3] >= 0 else None
        self.conv(op, "ConvTranspose", self.name(op.inputs[2]), self.weight(op.inputs[1], [3, 0, 1, 2]), bias,
                  strides=strides, pads=pads)

    def block_shape(self, op):
        block = self.constant(op.inputs[1])
        value = self.tensor(op.inputs[0])
        if block is None or len(block) != 1 or len(value.shape_signature) != 3:
            raise ValueError(f"{op.name} is supported for one spatial axis (dilated conv1d) only")
        channels = value.shape_signature[2]
        if channels < 0:
            raise ValueError(f"{op.name} needs a known channel count")
        return block[0], channels

    def op_SPACE_TO_BATCH_ND(self, op):
        # [n, w, c] padded along w to a multiple of b, then every b-th step goes to its own batch entry:
        # [n, w/b, b, c] -> [b, n, w/b, c] -> [b * n, w/b, c] (TF's batch order: block offset major).
        b, c = self.block_shape(op)
        n = self.tensor(op.inputs[0]).shape_signature[0]
        zero = self.g.const(P.INT64, [1, 2], struct.pack("<2q", 0, 0), f"{self.prefix}zero_pads")
        pairs = self.g.node("Concat", [zero, self.int64(op.inputs[2]), zero], axis=0)
        pads = self.g.node("Reshape", [self.g.node("Transpose", [pairs], perm=[1, 0]), self.g.ints([-1])])
        padded = self.g.node("Pad", [self.name(op.inputs[0]), pads])
        split = self.g.node("Reshape", [padded, self.g.ints([n, -1, b, c])])
        moved = self.g.node("Transpose", [split], perm=[2, 0, 1, 3])
        self.g.node("Reshape", [moved, self.g.ints([b * n, -1, c])], [self.out(op)])

    def op_BATCH_TO_SPACE_ND(self, op):
        # The inverse: [b * n, w', c] -> [b, n, w', c] -> [n, w', b, c] -> [n, w' * b, c], then the crops.
        b, c = self.block_shape(op)
        n = self.tensor(op.outputs[0]).shape_signature[0]
        split = self.g.node("Reshape", [self.name(op.inputs[0]), self.g.ints([b, n, -1, c])])
        moved = self.g.node("Transpose", [split], perm=[1, 2, 0, 3])
        joined = self.g.node("Reshape", [moved, self.g.ints([n, -1, c])])
        crops = self.int64(op.inputs[2])
        begin = self.g.node("Slice", [crops, self.g.ints([0]), self.g.ints([1]), self.g.ints([1])])
        begin = self.g.node("Reshape", [begin, self.g.ints([1])])
        after = self.g.node("Reshape", [self.g.node("Slice", [crops, self.g.ints([1]), self.g.ints([2]),
                                                              self.g.ints([1])]), self.g.ints([1])])
        width = self.g.node("Slice", [self.g.node("Shape", [joined]), self.g.ints([1]), self.g.ints([2])])
        end = self.g.node("Sub", [width, after])
        self.g.node("Slice", [joined, begin, end, self.g.ints([1])], [self.out(op)])


def convert(model, graph, prefix, inputs, random="expect"):
    """Adds `model`'s operators to `graph`; returns {tflite output index: onnx name} and the random inputs made
    (name in TFLite, ONNX input name) when random="input"."""
    converter = Converter(model, graph, prefix, inputs, random)
    outputs = converter.convert()
    return outputs, converter.random_inputs
