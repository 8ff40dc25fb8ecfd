#!/usr/bin/env python3
"""Reference cases for the layer classes (LAYERS.md §1, §2) computed by real PyTorch.

Every case builds torch.nn.LSTM / GRU / RNN with random parameters, runs it on random inputs (optionally with
per-sequence lengths through pack_padded_sequence(enforce_sorted=False) / pad_packed_sequence(total_length=T), so
y is zero past each length) and differentiates J = Σ dy⊙y + Σ dhN⊙hN (+ Σ dcN⊙cN) by autograd. One JSON file per
case:

  { cell: 'lstm'|'gru'|'rnn',
    config: { inputSize, hiddenSize, numLayers, bidirectional, layout: 'time-major'|'batch-major', dtype,
              nonlinearity? },
    parameters: { <state_dict name>: tensor }, x, lengths?, h0?, c0?, dy, dhN, dcN?,
    y, hN, cN?, dx, dh0, dc0?, grads: { <state_dict name>: tensor } }

with tensors as { shape, data: [numbers] } (row-major). float64 values are written with Python's repr (shortest
round-trip), float32 values with numpy's shortest float32 repr. dh0 / dc0 are written whether or not h0 / c0 were
given (the gradient with respect to the zero initial state). dy is random everywhere, also past each length, where
§2 says it is ignored.

Usage:
  scripts/torch-fixtures.py --out DIR                       the fixed set (test/fixtures/torch/)
  scripts/torch-fixtures.py --random N --seed S --out DIR   N random small configurations
  add --check to run the sanity checks (independent numpy forward, lengths, finite differences) on every case.
"""
import argparse
import json
import math
import os
import random
import sys

import numpy as np
import torch

torch.set_num_threads(1)

GATES = {'lstm': 4, 'gru': 3, 'rnn': 1}

# The fixed, committed set: small sizes (I ≤ 5, H ≤ 6, m ≤ 4, T ≤ 6).
FIXED = [
    dict(name='lstm-l1', cell='lstm', I=3, H=4, L=1, bi=False, bf=False, dtype='float64', m=2, T=5, h0=True),
    dict(name='lstm-l1-zero-state-batch-major', cell='lstm', I=4, H=3, L=1, bi=False, bf=True, dtype='float64',
         m=3, T=4, h0=False),
    dict(name='lstm-l2-bi-batch-major-lengths', cell='lstm', I=3, H=4, L=2, bi=True, bf=True, dtype='float64',
         m=4, T=6, lengths=[3, 6, 1, 4], h0=True),
    dict(name='lstm-l3-bi-lengths', cell='lstm', I=2, H=3, L=3, bi=True, bf=False, dtype='float64',
         m=4, T=5, lengths=[2, 5, 5, 1], h0=True),
    dict(name='gru-l1', cell='gru', I=4, H=5, L=1, bi=False, bf=False, dtype='float64', m=3, T=4, h0=True),
    dict(name='gru-l2-lengths', cell='gru', I=3, H=4, L=2, bi=False, bf=False, dtype='float64',
         m=4, T=6, lengths=[6, 1, 4, 2], h0=True),
    dict(name='gru-l2-bi-batch-major-lengths', cell='gru', I=3, H=3, L=2, bi=True, bf=True, dtype='float64',
         m=3, T=5, lengths=[1, 5, 3], h0=False),
    dict(name='rnn-tanh-l2-bi', cell='rnn', nl='tanh', I=3, H=4, L=2, bi=True, bf=False, dtype='float64',
         m=2, T=4, h0=True),
    dict(name='rnn-tanh-l1-batch-major-lengths', cell='rnn', nl='tanh', I=5, H=6, L=1, bi=False, bf=True,
         dtype='float64', m=4, T=6, lengths=[4, 1, 6, 6], h0=True),
    dict(name='rnn-relu-l1-lengths', cell='rnn', nl='relu', I=3, H=5, L=1, bi=False, bf=False, dtype='float64',
         m=3, T=5, lengths=[5, 2, 1], h0=True),
    dict(name='rnn-relu-l3-bi-batch-major', cell='rnn', nl='relu', I=2, H=4, L=3, bi=True, bf=True,
         dtype='float64', m=2, T=3, h0=True),
    dict(name='lstm-f32-l2-bi-lengths', cell='lstm', I=3, H=4, L=2, bi=True, bf=False, dtype='float32',
         m=3, T=5, lengths=[5, 1, 3], h0=True),
    dict(name='gru-f32-l1-batch-major-lengths', cell='gru', I=4, H=5, L=1, bi=False, bf=True, dtype='float32',
         m=3, T=4, lengths=[2, 4, 1], h0=True),
    dict(name='rnn-tanh-f32-l2', cell='rnn', nl='tanh', I=3, H=4, L=2, bi=False, bf=False, dtype='float32',
         m=2, T=5, h0=True),
]


def random_configs(n, seed):
    r = random.Random(seed)
    out = []
    for i in range(n):
        cell = r.choice(['lstm', 'gru', 'rnn', 'rnn'])
        c = dict(cell=cell, I=r.randint(1, 5), H=r.randint(1, 6), L=r.randint(1, 3), bi=r.random() < 0.5,
                 bf=r.random() < 0.5, dtype='float32' if r.random() < 0.25 else 'float64', m=r.randint(1, 4),
                 T=r.randint(1, 6), h0=r.random() < 0.7)
        if cell == 'rnn':
            c['nl'] = r.choice(['tanh', 'relu'])
        if r.random() < 0.6:
            T, m = c['T'], c['m']
            lengths = [r.randint(1, T) for _ in range(m)]
            if m >= 2:  # include 1 and T, unsorted
                a, b = r.sample(range(m), 2)
                lengths[a], lengths[b] = 1, T
            c['lengths'] = lengths
        c['name'] = 'random-%d-%d-%s%s-l%d%s%s-%s' % (
            seed, i, cell, '-' + c['nl'] if cell == 'rnn' else '', c['L'], '-bi' if c['bi'] else '',
            '-lengths' if 'lengths' in c else '', c['dtype'])
        c['seed'] = seed * 1000 + i
        out.append(c)
    return out


def tensor_json(t, dtype):
    a = t.detach().cpu().numpy()
    flat = a.reshape(-1)
    if dtype == 'float32':
        data = [float(str(v)) for v in flat.astype(np.float32)]
        # float(repr(np.float32)) is the shortest decimal that reads back to the same float32 value
    else:
        data = [float(v) for v in flat.astype(np.float64)]
    return {'shape': list(a.shape), 'data': data}


def build(c):
    kw = dict(input_size=c['I'], hidden_size=c['H'], num_layers=c['L'], bidirectional=c['bi'],
              batch_first=c['bf'], bias=True)
    if c['cell'] == 'lstm':
        mod = torch.nn.LSTM(**kw)
    elif c['cell'] == 'gru':
        mod = torch.nn.GRU(**kw)
    else:
        mod = torch.nn.RNN(nonlinearity=c['nl'], **kw)
    return mod


def run_case(c, seed):
    dt = torch.float64 if c['dtype'] == 'float64' else torch.float32
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    mod = build(c).to(dt)
    # PyTorch's own initialization U(-1/sqrt(H), 1/sqrt(H)), widened a little so the gates leave their linear range.
    with torch.no_grad():
        k = 1.5 / math.sqrt(c['H'])
        for p in mod.parameters():
            p.copy_((torch.rand(p.shape, generator=gen, dtype=torch.float64) * 2 - 1) * k)
    D = 2 if c['bi'] else 1
    I, H, L, m, T = c['I'], c['H'], c['L'], c['m'], c['T']
    xshape = (m, T, I) if c['bf'] else (T, m, I)
    yshape = (m, T, D * H) if c['bf'] else (T, m, D * H)
    sshape = (L * D, m, H)

    def randn(*shape, scale=1.0):
        return (torch.randn(shape, generator=gen, dtype=torch.float64) * scale).to(dt)

    x = randn(*xshape).requires_grad_(True)
    h0 = randn(*sshape, scale=0.7).requires_grad_(True) if c['h0'] else torch.zeros(sshape, dtype=dt,
                                                                                    requires_grad=True)
    c0 = None
    if c['cell'] == 'lstm':
        c0 = randn(*sshape, scale=0.7).requires_grad_(True) if c['h0'] else torch.zeros(sshape, dtype=dt,
                                                                                        requires_grad=True)
    dy = randn(*yshape)
    dhN = randn(*sshape)
    dcN = randn(*sshape) if c['cell'] == 'lstm' else None

    state = (h0, c0) if c['cell'] == 'lstm' else h0
    lengths = c.get('lengths')
    if lengths is not None:
        packed = torch.nn.utils.rnn.pack_padded_sequence(x, torch.tensor(lengths, dtype=torch.int64),
                                                         batch_first=c['bf'], enforce_sorted=False)
        out, st = mod(packed, state)
        y, _ = torch.nn.utils.rnn.pad_packed_sequence(out, batch_first=c['bf'], total_length=T)
    else:
        y, st = mod(x, state)
    hN, cN = (st if c['cell'] == 'lstm' else (st, None))
    J = (dy * y).sum() + (dhN * hN).sum()
    if cN is not None:
        J = J + (dcN * cN).sum()
    names = [n for n, _ in mod.named_parameters()]
    params = [p for _, p in mod.named_parameters()]
    inputs = [x, h0] + ([c0] if c0 is not None else []) + params
    grads = torch.autograd.grad(J, inputs)
    dx, dh0 = grads[0], grads[1]
    dc0 = grads[2] if c0 is not None else None
    pgrads = grads[3 if c0 is not None else 2:]

    dts = c['dtype']
    config = {'inputSize': I, 'hiddenSize': H, 'numLayers': L, 'bidirectional': c['bi'],
              'layout': 'batch-major' if c['bf'] else 'time-major', 'dtype': dts}
    if c['cell'] == 'rnn':
        config['nonlinearity'] = c['nl']
    case = {'name': c['name'], 'cell': c['cell'], 'config': config,
            'torch': torch.__version__,
            'parameters': {n: tensor_json(p, dts) for n, p in zip(names, params)},
            'x': tensor_json(x, dts)}
    if lengths is not None:
        case['lengths'] = list(lengths)
    if c['h0']:
        case['h0'] = tensor_json(h0, dts)
        if c0 is not None:
            case['c0'] = tensor_json(c0, dts)
    case['dy'] = tensor_json(dy, dts)
    case['dhN'] = tensor_json(dhN, dts)
    if dcN is not None:
        case['dcN'] = tensor_json(dcN, dts)
    case['y'] = tensor_json(y, dts)
    case['hN'] = tensor_json(hN, dts)
    if cN is not None:
        case['cN'] = tensor_json(cN, dts)
    case['dx'] = tensor_json(dx, dts)
    case['dh0'] = tensor_json(dh0, dts)
    if dc0 is not None:
        case['dc0'] = tensor_json(dc0, dts)
    case['grads'] = {n: tensor_json(g, dts) for n, g in zip(names, pgrads)}
    return case


# ----------------------------------------------------------------------------------------------------------------
# Sanity checks: an independent numpy implementation of LAYERS.md §1/§2 (float64), used on the JSON values only.

def arr(t):
    return np.array(t['data'], dtype=np.float64).reshape(t['shape'])


def sig(v):
    return 1 / (1 + np.exp(-v))


def np_forward(case, params=None, x=None, h0=None, c0=None):
    """LAYERS.md forward in float64 numpy on the case's (or the given) values: y, hN, cN in the case's layout."""
    cfg = case['config']
    cell, H, L = case['cell'], cfg['hiddenSize'], cfg['numLayers']
    D = 2 if cfg['bidirectional'] else 1
    bf = cfg['layout'] == 'batch-major'
    P = params if params is not None else {k: arr(v) for k, v in case['parameters'].items()}
    X = x if x is not None else arr(case['x'])
    if bf:
        X = X.transpose(1, 0, 2)
    T, m, _ = X.shape
    lengths = case.get('lengths') or [T] * m
    S0 = h0 if h0 is not None else (arr(case['h0']) if 'h0' in case else np.zeros((L * D, m, H)))
    C0 = c0 if c0 is not None else (arr(case['c0']) if 'c0' in case else np.zeros((L * D, m, H)))
    hN = np.zeros((L * D, m, H))
    cN = np.zeros((L * D, m, H))
    inp = X
    for k in range(L):
        out = np.zeros((T, m, D * H))
        for d in range(D):
            s = '_reverse' if d == 1 else ''
            Wih, Whh = P['weight_ih_l%d%s' % (k, s)], P['weight_hh_l%d%s' % (k, s)]
            bih, bhh = P['bias_ih_l%d%s' % (k, s)], P['bias_hh_l%d%s' % (k, s)]
            row = k * D + d
            for b in range(m):
                h = S0[row, b].copy()
                cc = C0[row, b].copy()
                ell = lengths[b]
                steps = range(ell) if d == 0 else range(ell - 1, -1, -1)
                for t in steps:
                    xt = inp[t, b]
                    if cell == 'rnn':
                        a = Wih @ xt + bih + Whh @ h + bhh
                        h = np.tanh(a) if cfg['nonlinearity'] == 'tanh' else np.maximum(a, 0)
                    elif cell == 'lstm':
                        a = Wih @ xt + bih + Whh @ h + bhh
                        i, f, g, o = sig(a[:H]), sig(a[H:2 * H]), np.tanh(a[2 * H:3 * H]), sig(a[3 * H:])
                        cc = f * cc + i * g
                        h = o * np.tanh(cc)
                    else:
                        gi, gh = Wih @ xt + bih, Whh @ h + bhh
                        r = sig(gi[:H] + gh[:H])
                        z = sig(gi[H:2 * H] + gh[H:2 * H])
                        n = np.tanh(gi[2 * H:] + r * gh[2 * H:])
                        h = (1 - z) * n + z * h
                    out[t, b, d * H:(d + 1) * H] = h
                hN[row, b] = h
                cN[row, b] = cc
        inp = out
    y = inp.transpose(1, 0, 2) if bf else inp
    return y, hN, cN


def np_loss(case, **kw):
    y, hN, cN = np_forward(case, **kw)
    J = (arr(case['dy']) * y).sum() + (arr(case['dhN']) * hN).sum()
    if case['cell'] == 'lstm':
        J += (arr(case['dcN']) * cN).sum()
    return J


def rel(a, b):
    return float(np.max(np.abs(a - b)) / max(1.0, float(np.max(np.abs(b))))) if b.size else 0.0


def check_case(case, seed):
    """Returns a list of failure strings (empty when every check passes)."""
    fails = []
    f64 = case['config']['dtype'] == 'float64'
    tol = 1e-12 if f64 else 2e-6
    cfg = case['config']
    H, L = cfg['hiddenSize'], cfg['numLayers']
    D = 2 if cfg['bidirectional'] else 1
    bf = cfg['layout'] == 'batch-major'
    y, hN, dx = arr(case['y']), arr(case['hN']), arr(case['dx'])
    T = y.shape[1] if bf else y.shape[0]
    m = y.shape[0] if bf else y.shape[1]
    lengths = case.get('lengths') or [T] * m
    # 1. independent numpy forward agrees with torch
    ny, nhN, ncN = np_forward(case)
    for nm, a, b in [('y', ny, y), ('hN', nhN, hN)] + ([('cN', ncN, arr(case['cN']))] if case['cell'] == 'lstm' else []):
        e = rel(a, b)
        if not e <= tol:
            fails.append('numpy forward %s differs from torch by %.3g' % (nm, e))
    # 2. zero past each length (y and dx); hN rows equal y at the last processed step of the last layer
    yt = y.transpose(1, 0, 2) if bf else y
    dxt = dx.transpose(1, 0, 2) if bf else dx
    for b, ell in enumerate(lengths):
        if np.any(yt[ell:, b] != 0):
            fails.append('y nonzero past length %d of sequence %d' % (ell, b))
        if np.any(dxt[ell:, b] != 0):
            fails.append('dx nonzero past length %d of sequence %d' % (ell, b))
        last = (L - 1) * D
        if not np.array_equal(hN[last, b], yt[ell - 1, b, :H]):
            fails.append('hN[forward, last layer] != y[len-1] for sequence %d' % b)
        if D == 2 and not np.array_equal(hN[last + 1, b], yt[0, b, H:]):
            fails.append('hN[reverse, last layer] != y[0, reverse half] for sequence %d' % b)
    # 3. shapes
    for n, t in case['parameters'].items():
        if t['shape'] != case['grads'][n]['shape']:
            fails.append('grad shape of %s' % n)
    # 4. central finite differences of the numpy loss against torch's gradients (float64 cases; a few entries each)
    if f64:
        r = np.random.default_rng(seed)
        P = {k: arr(v) for k, v in case['parameters'].items()}
        X = arr(case['x'])
        S0 = arr(case['h0']) if 'h0' in case else np.zeros((L * D, m, H))
        C0 = arr(case['c0']) if 'c0' in case else np.zeros((L * D, m, H))
        eps = 1e-6
        targets = [('x', X, arr(case['dx'])), ('h0', S0, arr(case['dh0']))]
        if case['cell'] == 'lstm':
            targets.append(('c0', C0, arr(case['dc0'])))
        targets += [('param ' + n, P[n], arr(case['grads'][n])) for n in P]
        for label, base, grad in targets:
            for _ in range(3):
                idx = tuple(int(r.integers(0, s)) for s in base.shape)
                saved = base[idx]
                vals = []
                for sgn in (1, -1):
                    base[idx] = saved + sgn * eps
                    vals.append(np_loss(case, params=P, x=X, h0=S0, c0=C0))
                base[idx] = saved
                fd = (vals[0] - vals[1]) / (2 * eps)
                if abs(fd - grad[idx]) > 1e-6 * max(1.0, abs(fd)):
                    fails.append('finite difference of %s%s: %.10g, torch %.10g' % (label, list(idx), fd, grad[idx]))
    return fails


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', required=True)
    ap.add_argument('--random', type=int, default=0, help='write N random configurations instead of the fixed set')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--check', action='store_true', help='run the sanity checks on every case')
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    if a.random:
        configs = random_configs(a.random, a.seed)
    else:
        configs = [dict(c, seed=1000 + i) for i, c in enumerate(FIXED)]
    failures = 0
    for c in configs:
        case = run_case(c, c['seed'])
        path = os.path.join(a.out, c['name'] + '.json')
        with open(path, 'w') as f:
            json.dump(case, f, separators=(',', ':'))
            f.write('\n')
        if a.check:
            fails = check_case(case, c['seed'])
            failures += len(fails)
            print('%-48s %s' % (c['name'], 'ok' if not fails else 'FAIL\n  ' + '\n  '.join(fails)), file=sys.stderr)
    if failures:
        print('%d sanity check(s) failed' % failures, file=sys.stderr)
        sys.exit(1)


if __name__ == '__main__':
    main()
