#!/usr/bin/env python3
"""numpy peer of the benchmark: the notebook's per-step RNN and LSTM algorithms (SPEC section 3), timed in-process.

Reads on stdin: {"shapes": {name: {n_x, n_a, m, T}}, "cells": [...], "dtypes": [...], "timing": {...}} (timing as in
bench/stats.mjs). Writes on stdout: {"numpy": version, "results": [{cell, direction, dtype, shape, ms, reps, calls,
capped}]}. Progress goes to stderr. Inputs are drawn like bench/inputs.mjs (same shapes and scales, numpy's own
generator), in the notebook layout, once per (cell, shape, dtype), outside the timing.
"""
import json
import math
import sys
import time

import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


# ---------------------------------------------------------------------------------------------------------------- RNN
def rnn_cell_forward(xt, a_prev, p):
    a_next = np.tanh(np.dot(p["Waa"], a_prev) + np.dot(p["Wax"], xt) + p["ba"])
    return a_next, (a_next, a_prev, xt, p)


def rnn_forward(x, a0, p):
    n_x, m, T = x.shape
    a = np.zeros((p["Wax"].shape[0], m, T), dtype=x.dtype)
    caches = []
    a_next = a0
    for t in range(T):
        a_next, cache = rnn_cell_forward(x[:, :, t], a_next, p)
        a[:, :, t] = a_next
        caches.append(cache)
    return a, (caches, x)


def rnn_cell_backward(da_next, cache):
    a_next, a_prev, xt, p = cache
    dtanh = da_next * (1 - a_next ** 2)
    return {"dxt": np.dot(p["Wax"].T, dtanh), "da_prev": np.dot(p["Waa"].T, dtanh),
            "dWax": np.dot(dtanh, xt.T), "dWaa": np.dot(dtanh, a_prev.T), "dba": np.sum(dtanh, axis=1, keepdims=True)}


def rnn_backward(da, caches):
    caches, x = caches
    n_a, m, T = da.shape
    n_x = x.shape[0]
    dx = np.zeros((n_x, m, T), dtype=da.dtype)
    dWax = np.zeros((n_a, n_x), dtype=da.dtype)
    dWaa = np.zeros((n_a, n_a), dtype=da.dtype)
    dba = np.zeros((n_a, 1), dtype=da.dtype)
    da_prevt = np.zeros((n_a, m), dtype=da.dtype)
    for t in reversed(range(T)):
        g = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
        da_prevt = g["da_prev"]
        dx[:, :, t] = g["dxt"]
        dWax += g["dWax"]
        dWaa += g["dWaa"]
        dba += g["dba"]
    return {"dx": dx, "da0": da_prevt, "dWax": dWax, "dWaa": dWaa, "dba": dba}


# --------------------------------------------------------------------------------------------------------------- LSTM
def lstm_cell_forward(xt, a_prev, c_prev, p):
    n_x, m = xt.shape
    n_a = p["Wf"].shape[0]
    concat = np.zeros((n_a + n_x, m), dtype=xt.dtype)
    concat[:n_a, :] = a_prev
    concat[n_a:, :] = xt
    ft = sigmoid(np.dot(p["Wf"], concat) + p["bf"])
    it = sigmoid(np.dot(p["Wi"], concat) + p["bi"])
    cct = np.tanh(np.dot(p["Wc"], concat) + p["bc"])
    c_next = ft * c_prev + it * cct
    ot = sigmoid(np.dot(p["Wo"], concat) + p["bo"])
    a_next = ot * np.tanh(c_next)
    return a_next, c_next, (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, p)


def lstm_forward(x, a0, p):
    n_x, m, T = x.shape
    n_a = p["Wf"].shape[0]
    a = np.zeros((n_a, m, T), dtype=x.dtype)
    c = np.zeros((n_a, m, T), dtype=x.dtype)
    caches = []
    a_next, c_next = a0, np.zeros((n_a, m), dtype=x.dtype)
    for t in range(T):
        a_next, c_next, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, p)
        a[:, :, t] = a_next
        c[:, :, t] = c_next
        caches.append(cache)
    return a, c, (caches, x)


def lstm_cell_backward(da_next, dc_next, cache):
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, p = cache
    n_a = a_next.shape[0]
    tc = np.tanh(c_next)
    dot = da_next * tc * ot * (1 - ot)
    dcct = (dc_next * it + ot * (1 - tc ** 2) * it * da_next) * (1 - cct ** 2)
    dit = (dc_next * cct + ot * (1 - tc ** 2) * cct * da_next) * it * (1 - it)
    dft = (dc_next * c_prev + ot * (1 - tc ** 2) * c_prev * da_next) * ft * (1 - ft)
    concat = np.concatenate((a_prev, xt), axis=0)
    Wf, Wi, Wc, Wo = p["Wf"], p["Wi"], p["Wc"], p["Wo"]
    return {
        "dWf": np.dot(dft, concat.T), "dWi": np.dot(dit, concat.T), "dWc": np.dot(dcct, concat.T),
        "dWo": np.dot(dot, concat.T),
        "dbf": np.sum(dft, axis=1, keepdims=True), "dbi": np.sum(dit, axis=1, keepdims=True),
        "dbc": np.sum(dcct, axis=1, keepdims=True), "dbo": np.sum(dot, axis=1, keepdims=True),
        "da_prev": (np.dot(Wf[:, :n_a].T, dft) + np.dot(Wi[:, :n_a].T, dit) + np.dot(Wc[:, :n_a].T, dcct)
                    + np.dot(Wo[:, :n_a].T, dot)),
        "dc_prev": dc_next * ft + ot * (1 - tc ** 2) * ft * da_next,
        "dxt": (np.dot(Wf[:, n_a:].T, dft) + np.dot(Wi[:, n_a:].T, dit) + np.dot(Wc[:, n_a:].T, dcct)
                + np.dot(Wo[:, n_a:].T, dot)),
    }


def lstm_backward(da, caches):
    caches, x = caches
    n_a, m, T = da.shape
    n_x = x.shape[0]
    dx = np.zeros((n_x, m, T), dtype=da.dtype)
    grads = {k: np.zeros((n_a, n_a + n_x), dtype=da.dtype) for k in ("dWf", "dWi", "dWc", "dWo")}
    grads.update({k: np.zeros((n_a, 1), dtype=da.dtype) for k in ("dbf", "dbi", "dbc", "dbo")})
    da_prevt = np.zeros((n_a, m), dtype=da.dtype)
    dc_prevt = np.zeros((n_a, m), dtype=da.dtype)
    for t in reversed(range(T)):
        g = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])
        da_prevt, dc_prevt = g["da_prev"], g["dc_prev"]
        dx[:, :, t] = g["dxt"]
        for k in grads:
            grads[k] += g[k]
    return {"dx": dx, "da0": da_prevt, "dc0": dc_prevt, **grads}


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
