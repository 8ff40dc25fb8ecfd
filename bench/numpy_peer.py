#!/usr/bin/env python3
"""numpy peer of the benchmark: the notebook's per-step RNN and LSTM algorithms (SPEC section 3), timed in-process.

Reads on stdin: {"shapes": {name: {n_x, n_a, m, T}}, "cells": [...], "dtypes": [...], "timing": {...}} (timing as in
bench/stats.mjs). Writes on stdout: {"numpy": version, "results": [{cell, direction, dtype, shape, ms, reps, calls,
capped}]}. Progress goes to stderr. Inputs are drawn like bench/inputs.mjs (same shapes and scales, numpy's own
generator), in the notebook layout, once per (cell, shape, dtype), outside the timing.
"""
import json
import math
import os
import sys
import time

import numpy as np


# The notebook's per-step algorithms, shared with the tests' numpy reference (dtype-preserving, prediction-free
# when the parameters have no Wy/Wya).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "support"))
from numpy_reference import lstm_backward, lstm_forward, rnn_backward, rnn_forward  # noqa: E402


# ------------------------------------------------------------------------------------------------------------- driver
def make_inputs(cell, s, dtype):
    n_x, n_a, m, T = s["n_x"], s["n_a"], s["m"], s["T"]
    rng = np.random.default_rng(1)

    def draw(scale, *shape):
        return (rng.standard_normal(shape) * scale).astype(dtype)

    x, a0 = draw(1, n_x, m, T), draw(0.5, n_a, m)
    if cell == "lstm":
        p = {}
        for g in "fico":
            p["W" + g] = draw(1 / math.sqrt(n_a + n_x), n_a, n_a + n_x)
            p["b" + g] = draw(0.1, n_a, 1)
    else:
        p = {"Wax": draw(1 / math.sqrt(n_a + n_x), n_a, n_x), "Waa": draw(1 / math.sqrt(n_a + n_x), n_a, n_a),
             "ba": draw(0.1, n_a, 1)}
    return x, a0, p, draw(1, n_a, m, T)


def measure(fn, timing):
    """Median ms per call, by the rule of bench/stats.mjs."""
    t0 = time.perf_counter()
    fn()
    warmups = 1
    while (time.perf_counter() - t0) * 1000 < timing["warmupMs"]:
        fn()
        warmups += 1
    estimate = (time.perf_counter() - t0) * 1000 / warmups
    batch = max(1, math.ceil(timing["batchMs"] / max(estimate, 1e-3)))
    samples = [estimate] if estimate > timing["slowMs"] else []
    affordable = max(1, math.floor(timing["budget"] * 1000 / max(estimate * batch, 1e-3)))
    min_reps = min(timing["minReps"], affordable)
    t0 = time.perf_counter()
    while (len(samples) < timing["maxReps"] and len(samples) < affordable
           and (len(samples) < min_reps or time.perf_counter() - t0 < timing["minTime"])):
        t = time.perf_counter()
        for _ in range(batch):
            fn()
        samples.append((time.perf_counter() - t) * 1000 / batch)
    return {"ms": float(np.median(samples)), "reps": len(samples), "calls": len(samples) * batch,
            "capped": len(samples) < timing["minReps"]}


def main():
    req = json.load(sys.stdin)
    passes = {"lstm": (lstm_forward, lstm_backward), "rnn": (rnn_forward, rnn_backward)}
    results = []
    for shape in req["shapes"]:
        for cell in req["cells"]:
            forward, backward = passes[cell]
            for dtype in req["dtypes"]:
                x, a0, p, da = make_inputs(cell, req["shapes"][shape], np.dtype(dtype))
                fns = {"fwd": lambda: forward(x, a0, p), "fwd+bwd": lambda: backward(da, forward(x, a0, p)[-1])}
                for direction, fn in fns.items():
                    r = measure(fn, req["timing"])
                    results.append({"cell": cell, "direction": direction, "dtype": dtype, "shape": shape, **r})
                    print(f"  numpy {cell} {direction} {dtype} {shape}: {r['ms']:.3f} ms ({r['reps']} reps)",
                          file=sys.stderr, flush=True)
    json.dump({"numpy": np.__version__, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
