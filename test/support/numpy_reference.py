#!/usr/bin/env python3
"""numpy reference of the notebook's RNN and LSTM algorithms (SPEC §3), written plainly per step as the notebook does.

Reads JSON on stdin: {"sets": [{"xt", "a_prev", "c_prev", "da_next", "dc_next", "x", "a0", "c0"?, "da",
"rnn": {Wax, Waa, ba, Wya?, by?}, "lstm": {Wf, bf, Wi, bi, Wc, bc, Wo, bo, Wy?, by?}}, ...]} where every tensor is
{"shape": [...], "data": [... row-major ...]}.
Writes JSON on stdout: {"sets": [{function name: {result name: {"shape", "data"}}}]}, with the JavaScript API's names.
"""
import json
import sys

import numpy as np


def softmax(x):
    e_x = np.exp(x - np.max(x, axis=0, keepdims=True))
    return e_x / e_x.sum(axis=0, keepdims=True)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


# ---------------------------------------------------------------------------------------------------------------- RNN
def rnn_cell_forward(xt, a_prev, parameters):
    Wax, Waa, ba = parameters["Wax"], parameters["Waa"], parameters["ba"]
    a_next = np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba)
    yt_pred = None
    if "Wya" in parameters:
        yt_pred = softmax(np.dot(parameters["Wya"], a_next) + parameters["by"])
    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache


def rnn_forward(x, a0, parameters):
    caches = []
    n_x, m, T_x = x.shape
    n_a = parameters["Wax"].shape[0]
    a = np.zeros((n_a, m, T_x), dtype=x.dtype)
    y_pred = None
    if "Wya" in parameters:
        y_pred = np.zeros((parameters["Wya"].shape[0], m, T_x), dtype=x.dtype)
    a_next = a0
    for t in range(T_x):
        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        if y_pred is not None:
            y_pred[:, :, t] = yt_pred
        caches.append(cache)
    return a, y_pred, (caches, x)


def rnn_cell_backward(da_next, cache):
    (a_next, a_prev, xt, parameters) = cache
    Wax, Waa = parameters["Wax"], parameters["Waa"]
    dtanh = da_next * (1 - a_next ** 2)
    dxt = np.dot(Wax.T, dtanh)
    dWax = np.dot(dtanh, xt.T)
    da_prev = np.dot(Waa.T, dtanh)
    dWaa = np.dot(dtanh, a_prev.T)
    dba = np.sum(dtanh, axis=1, keepdims=True)
    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


def rnn_backward(da, caches):
    (caches, x) = caches
    (a1, a0, x1, parameters) = caches[0]
    n_a, m, T_b = da.shape
    n_x, _ = x1.shape
    dx = np.zeros((n_x, m, T_b), dtype=da.dtype)
    dWax = np.zeros((n_a, n_x), dtype=da.dtype)
    dWaa = np.zeros((n_a, n_a), dtype=da.dtype)
    dba = np.zeros((n_a, 1), dtype=da.dtype)
    da_prevt = np.zeros((n_a, m), dtype=da.dtype)
    for t in reversed(range(T_b)):
        gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
        dxt, da_prevt = gradients["dxt"], gradients["da_prev"]
        dx[:, :, t] = dxt
        dWax += gradients["dWax"]
        dWaa += gradients["dWaa"]
        dba += gradients["dba"]
    da0 = da_prevt
    return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}


# --------------------------------------------------------------------------------------------------------------- LSTM
def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    Wf, bf = parameters["Wf"], parameters["bf"]
    Wi, bi = parameters["Wi"], parameters["bi"]
    Wc, bc = parameters["Wc"], parameters["bc"]
    Wo, bo = parameters["Wo"], parameters["bo"]
    n_x, m = xt.shape
    n_a = Wf.shape[0]
    concat = np.zeros((n_a + n_x, m), dtype=xt.dtype)
    concat[:n_a, :] = a_prev
    concat[n_a:, :] = xt
    ft = sigmoid(np.dot(Wf, concat) + bf)
    it = sigmoid(np.dot(Wi, concat) + bi)
    cct = np.tanh(np.dot(Wc, concat) + bc)
    c_next = ft * c_prev + it * cct
    ot = sigmoid(np.dot(Wo, concat) + bo)
    a_next = ot * np.tanh(c_next)
    yt_pred = None
    if "Wy" in parameters:
        yt_pred = softmax(np.dot(parameters["Wy"], a_next) + parameters["by"])
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache


def lstm_forward(x, a0, parameters, c0=None):
    caches = []
    n_x, m, T_x = x.shape
    n_a = parameters["Wf"].shape[0]
    a = np.zeros((n_a, m, T_x), dtype=x.dtype)
    c = np.zeros((n_a, m, T_x), dtype=x.dtype)
    y = None
    if "Wy" in parameters:
        y = np.zeros((parameters["Wy"].shape[0], m, T_x), dtype=x.dtype)
    a_next = a0
    c_next = np.zeros((n_a, m), dtype=x.dtype) if c0 is None else c0
    for t in range(T_x):
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t] = a_next
        c[:, :, t] = c_next
        if y is not None:
            y[:, :, t] = yt
        caches.append(cache)
    return a, y, c, (caches, x)


def lstm_cell_backward(da_next, dc_next, cache):
    (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
    n_x, m = xt.shape
    n_a, m = a_next.shape
    tc = np.tanh(c_next)
    dot = da_next * tc * ot * (1 - ot)
    dcct = (dc_next * it + ot * (1 - tc ** 2) * it * da_next) * (1 - cct ** 2)
    dit = (dc_next * cct + ot * (1 - tc ** 2) * cct * da_next) * it * (1 - it)
    dft = (dc_next * c_prev + ot * (1 - tc ** 2) * c_prev * da_next) * ft * (1 - ft)
    concat = np.concatenate((a_prev, xt), axis=0)
    dWf = np.dot(dft, concat.T)
    dWi = np.dot(dit, concat.T)
    dWc = np.dot(dcct, concat.T)
    dWo = np.dot(dot, concat.T)
    dbf = np.sum(dft, axis=1, keepdims=True)
    dbi = np.sum(dit, axis=1, keepdims=True)
    dbc = np.sum(dcct, axis=1, keepdims=True)
    dbo = np.sum(dot, axis=1, keepdims=True)
    Wf, Wi, Wc, Wo = parameters["Wf"], parameters["Wi"], parameters["Wc"], parameters["Wo"]
    da_prev = (np.dot(Wf[:, :n_a].T, dft) + np.dot(Wi[:, :n_a].T, dit) + np.dot(Wc[:, :n_a].T, dcct)
               + np.dot(Wo[:, :n_a].T, dot))
    dc_prev = dc_next * ft + ot * (1 - tc ** 2) * ft * da_next
    dxt = (np.dot(Wf[:, n_a:].T, dft) + np.dot(Wi[:, n_a:].T, dit) + np.dot(Wc[:, n_a:].T, dcct)
           + np.dot(Wo[:, n_a:].T, dot))
    return {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, "dWf": dWf, "dbf": dbf, "dWi": dWi, "dbi": dbi,
            "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}


def lstm_backward(da, caches):
    (caches, x) = caches
    (a1, c1, a0, c0, f1, i1, cc1, o1, x1, parameters) = caches[0]
    n_a, m, T_b = da.shape
    n_x, m = x1.shape
    dx = np.zeros((n_x, m, T_b), dtype=da.dtype)
    dWf = np.zeros((n_a, n_a + n_x), dtype=da.dtype)
    dWi = np.zeros((n_a, n_a + n_x), dtype=da.dtype)
    dWc = np.zeros((n_a, n_a + n_x), dtype=da.dtype)
    dWo = np.zeros((n_a, n_a + n_x), dtype=da.dtype)
    dbf = np.zeros((n_a, 1), dtype=da.dtype)
    dbi = np.zeros((n_a, 1), dtype=da.dtype)
    dbc = np.zeros((n_a, 1), dtype=da.dtype)
    dbo = np.zeros((n_a, 1), dtype=da.dtype)
    da_prevt = np.zeros((n_a, m), dtype=da.dtype)
    dc_prevt = np.zeros((n_a, m), dtype=da.dtype)
    for t in reversed(range(T_b)):
        gradients = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])
        da_prevt, dc_prevt = gradients["da_prev"], gradients["dc_prev"]
        dx[:, :, t] = gradients["dxt"]
        dWf += gradients["dWf"]
        dWi += gradients["dWi"]
        dWc += gradients["dWc"]
        dWo += gradients["dWo"]
        dbf += gradients["dbf"]
        dbi += gradients["dbi"]
        dbc += gradients["dbc"]
        dbo += gradients["dbo"]
    return {"dx": dx, "da0": da_prevt, "dc0": dc_prevt, "dWf": dWf, "dbf": dbf, "dWi": dWi, "dbi": dbi,
            "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}


# ------------------------------------------------------------------------------------------------------------- driver
def load(t):
    return np.array(t["data"], dtype=np.float64).reshape(t["shape"])


def dump(array):
    return {"shape": list(array.shape), "data": array.ravel().tolist()}


def results(named):
    return {k: dump(v) for k, v in named.items() if v is not None}


def run_set(s):
    rnn = {k: load(v) for k, v in s["rnn"].items()}
    lstm = {k: load(v) for k, v in s["lstm"].items()}
    xt, a_prev, c_prev = load(s["xt"]), load(s["a_prev"]), load(s["c_prev"])
    da_next, dc_next = load(s["da_next"]), load(s["dc_next"])
    x, a0, da = load(s["x"]), load(s["a0"]), load(s["da"])
    c0 = load(s["c0"]) if "c0" in s else None
    out = {}

    a_next, yt_pred, cache = rnn_cell_forward(xt, a_prev, rnn)
    out["rnnCellForward"] = results({"aNext": a_next, "ytPred": yt_pred})
    g = rnn_cell_backward(da_next, cache)
    out["rnnCellBackward"] = results({"dxt": g["dxt"], "daPrev": g["da_prev"], "dWax": g["dWax"], "dWaa": g["dWaa"],
                                      "dba": g["dba"]})

    a, y_pred, caches = rnn_forward(x, a0, rnn)
    out["rnnForward"] = results({"a": a, "yPred": y_pred})
    out["rnnBackward"] = results(rnn_backward(da, caches))

    a_next, c_next, yt_pred, cache = lstm_cell_forward(xt, a_prev, c_prev, lstm)
    out["lstmCellForward"] = results({"aNext": a_next, "cNext": c_next, "ytPred": yt_pred})
    g = lstm_cell_backward(da_next, dc_next, cache)
    g["daPrev"] = g.pop("da_prev")
    g["dcPrev"] = g.pop("dc_prev")
    out["lstmCellBackward"] = results(g)

    a, y, c, caches = lstm_forward(x, a0, lstm, c0)
    out["lstmForward"] = results({"a": a, "y": y, "c": c})
    out["lstmBackward"] = results(lstm_backward(da, caches))
    return out


def main():
    request = json.load(sys.stdin)
    json.dump({"sets": [run_set(s) for s in request["sets"]]}, sys.stdout)


if __name__ == "__main__":
    main()
