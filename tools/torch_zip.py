"""Reads PyTorch checkpoints' tensors with the standard library only: no torch, no numpy, no code run.

A checkpoint is a pickle whose tensors are calls of torch._utils._rebuild_tensor_v2 on storages referred to by
key (pickle's persistent ids). Two containers hold the pickle and the storages' raw little-endian bytes:

- the zip archive that torch.save writes since PyTorch 1.6, and TorchScript archives (read_archive):
  ROOT/data.pkl and ROOT/data/KEY;
- the legacy stream of PyTorch before 1.6 (tools/ge2e_convert.py reads it): the storages follow the pickles.

The unpickler builds Tensor stubs and refuses every class it does not name, so a checkpoint stays data. A
TorchScript module tree unpickles into Module objects that only keep their attributes.
"""

import collections
import io
import math
import pickle
import struct
import zipfile

# storage class -> (struct format of one element, its size in bytes)
STORAGES = {"FloatStorage": ("f", 4), "LongStorage": ("q", 8)}


class Tensor:
    """A tensor of the checkpoint: its storage (class, key), offset (elements), shape and strides; `data` (its
    row-major bytes) and `values` (a flat list) once filled."""

    def __init__(self, storage, offset, shape, stride):
        self.storage_type, self.key = storage[1], storage[2]
        self.offset, self.shape, self.stride = offset, tuple(shape), tuple(stride)
        self.data = None
        self.values = None

    def fill(self, storage):
        """Takes this tensor's elements from its storage's bytes."""
        # A dimension of size 1 may carry any stride (Silero's STFT basis has 0); the others must be row-major.
        expected = [math.prod(self.shape[i + 1:]) for i in range(len(self.shape))]
        if any(n != 1 and s != e for n, s, e in zip(self.shape, self.stride, expected)):
            raise ValueError(f"tensor with strides {self.stride} is not contiguous")
        code, size = STORAGES[self.storage_type]
        count = math.prod(self.shape)
        self.data = storage[self.offset * size:(self.offset + count) * size]
        if len(self.data) != count * size:
            raise ValueError(f"storage {self.key} is shorter than its tensor")
        self.values = list(struct.unpack(f"<{count}{code}", self.data))


class Module:
    """A TorchScript module object: its attributes, nothing else (no code is run)."""

    def __setstate__(self, state):
        self.attributes = state


class Unpickler(pickle.Unpickler):
    """Builds Tensor stubs instead of torch objects and lists them in `tensors`; refuses every other class."""

    def __init__(self, file):
        super().__init__(file)
        self.tensors = []

    def _tensor(self, storage, offset, shape, stride, *_):
        t = Tensor(storage, offset, shape, stride)
        self.tensors.append(t)
        return t

    def find_class(self, module, name):
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return self._tensor
        if module == "torch" and name in STORAGES:
            return name
        if (module, name) == ("torch.jit._pickle", "build_intlist"):
            return list
        if module.startswith("__torch__."):
            return type(name, (Module,), {})
        raise pickle.UnpicklingError(f"unexpected class {module}.{name} in checkpoint")

    def persistent_load(self, pid):
        # ('storage', storage class, key, location, element count[, view metadata])
        if pid[0] != "storage" or pid[1] not in STORAGES:
            raise pickle.UnpicklingError(f"unexpected storage {pid[:2]}")
        return pid


def read_archive(data, unpickler=Unpickler):
    """The unpickled object of a zip archive (bytes), every tensor in it filled from the archive."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    pickles = [n for n in archive.namelist() if n.endswith("/data.pkl") and n.count("/") == 1]
    if len(pickles) != 1:
        raise ValueError("not a PyTorch zip archive (no data.pkl)")
    root = pickles[0].split("/")[0]
    reader = unpickler(archive.open(pickles[0]))
    obj = reader.load()
    for t in reader.tensors:
        t.fill(archive.read(f"{root}/data/{t.key}"))
    return obj
