#!/usr/bin/env python3
"""numpy reference of the recurrent layers' forward pass (LAYERS.md §1-2), written from the equations with numpy
doing each step's products over the batch.

Reads JSON on stdin: {"cases": [{"cell": "lstm"|"gru"|"rnn", "resetAfter"?, "nonlinearity"?, "numLayers",
"bidirectional", "batchMajor", "params": {name: tensor}, "x", "lengths"?, "h0"?, "c0"?}]} with every tensor
{"shape": [...], "data": [... row-major ...]}. Writes {"cases": [{"y", "hN", "cN"?}]} in the same form.
"""
import json
import sys

import numpy as np


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def array(t):
    return np.array(t["data"], dtype=np.float64).reshape(t["shape"])


def step(case, p, suffix, x, h, c):
    """One step of one direction of one layer: x (m, I_k), h, c (m, H) -> h', c'."""
    W_ih, W_hh = p["weight_ih_" + suffix], p["weight_hh_" + suffix]
    b_ih, b_hh = p["bias_ih_" + suffix], p["bias_hh_" + suffix]
    gi = x @ W_ih.T + b_ih
    gh = h @ W_hh.T + b_hh
    if case["cell"] == "lstm":
        i, f, g, o = np.split(gi + gh, 4, axis=1)
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        return sigmoid(o) * np.tanh(c), c
    if case["cell"] == "gru":
        H = h.shape[1]
        r = sigmoid(gi[:, :H] + gh[:, :H])
        z = sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
        if case.get("resetAfter", True):
            n = np.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
        else:
            n = np.tanh(gi[:, 2 * H:] + (r * h) @ W_hh[2 * H:].T + b_hh[2 * H:])
        return (1 - z) * n + z * h, c
    pre = gi + gh
    return (np.maximum(pre, 0) if case.get("nonlinearity") == "relu" else np.tanh(pre)), c


def forward(case):
    p = {name: array(t) for name, t in case["params"].items()}
    x = array(case["x"])
    if case["batchMajor"]:
        x = x.transpose(1, 0, 2)
    T, m, _ = x.shape
    L, D = case["numLayers"], 2 if case["bidirectional"] else 1
    H = p["weight_hh_l0"].shape[1]
    lengths = np.array(case["lengths"]) if "lengths" in case else np.full(m, T)
    h0 = array(case["h0"]) if "h0" in case else np.zeros((L * D, m, H))
    c0 = array(case["c0"]) if "c0" in case else np.zeros((L * D, m, H))
    hN, cN = np.zeros((L * D, m, H)), np.zeros((L * D, m, H))
    inputs = x
    for k in range(L):
        out = np.zeros((T, m, D * H))
        for d in range(D):
            suffix = "l%d%s" % (k, "_reverse" if d else "")
            h, c = h0[k * D + d].copy(), c0[k * D + d].copy()
            for s in range(T):
                running = s < lengths  # the sequences that still have a step s
                # the time step each running sequence reads: s, or its own last step minus s
                t = np.where(running, lengths - 1 - s if d else s, 0)
                hn, cn = step(case, p, suffix, inputs[t, np.arange(m)], h, c)
                h = np.where(running[:, None], hn, h)
                c = np.where(running[:, None], cn, c)
                for b in np.nonzero(running)[0]:
                    out[t[b], b, d * H:(d + 1) * H] = h[b]
            hN[k * D + d], cN[k * D + d] = h, c
        inputs = out
    y = inputs.transpose(1, 0, 2) if case["batchMajor"] else inputs
    result = {"y": y, "hN": hN}
    if case["cell"] == "lstm":
        result["cN"] = cN
    return {k: {"shape": list(v.shape), "data": v.ravel().tolist()} for k, v in result.items()}


if __name__ == "__main__":
    cases = json.load(sys.stdin)["cases"]
    json.dump({"cases": [forward(c) for c in cases]}, sys.stdout)
