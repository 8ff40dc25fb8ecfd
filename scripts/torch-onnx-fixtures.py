#!/usr/bin/env python3
"""ONNX files exported by PyTorch's own exporter (torch.onnx.export), for test/onnx.test.mjs (LAYERS.md §4).

Each case builds a torch.nn.LSTM / GRU / RNN with seeded random parameters, exports it with torch.onnx.export
(constant folding on, as by default; T and m dynamic axes) and writes next to DIR/<name>.onnx the JSON
DIR/<name>.json:

  { cell, config: { inputSize, hiddenSize, numLayers, bidirectional, layout, nonlinearity? },
    x, h0?, c0?, y, hN, cN? }

with tensors { shape, data } (row-major float32 written with numpy's shortest repr), y/hN/cN being torch's forward
of x (and h0/c0 when the case feeds them: then they are graph inputs; otherwise the exporter builds the zero
states inside the graph with Shape/Gather/Expand…). Usage: scripts/torch-onnx-fixtures.py --out test/fixtures/onnx
(needs torch and the onnx Python module: Debian's python3-torch and python3-onnx).
"""
import argparse
import json
import os

import numpy as np
import torch

torch.set_num_threads(1)

CASES = [
    # nn.LSTM, 2 layers, bidirectional, zero initial states built inside the graph.
    dict(name='lstm-l2-bi', cell='lstm', I=3, H=4, L=2, bi=True, bf=False, states=False, T=5, m=3, seed=1),
    # nn.GRU batch_first, its h0 a graph input.
    dict(name='gru-batch-first-h0', cell='gru', I=4, H=5, L=1, bi=False, bf=True, states=True, T=4, m=2, seed=2),
    # nn.RNN relu, 2 layers.
    dict(name='rnn-relu-l2', cell='rnn', nl='relu', I=3, H=3, L=2, bi=False, bf=False, states=False, T=6, m=2, seed=3),
    # nn.RNN tanh, bidirectional, batch_first, with h0.
    dict(name='rnn-tanh-bi-batch-first-h0', cell='rnn', nl='tanh', I=2, H=3, L=1, bi=True, bf=True, states=True, T=3, m=2, seed=4),
]

MODULES = {'lstm': torch.nn.LSTM, 'gru': torch.nn.GRU, 'rnn': torch.nn.RNN}


def tensor(t):
    a = t.detach().numpy().astype(np.float32)
    return {'shape': list(a.shape), 'data': [float(np.format_float_positional(v, unique=True)) for v in a.reshape(-1)]}


class Wrapper(torch.nn.Module):
    """The module with its outputs flattened to (y, hN[, cN]) and, when `states`, its initial states as inputs."""

    def __init__(self, rnn, cell):
        super().__init__()
        self.rnn = rnn
        self.cell = cell

    def forward(self, x, *states):
        if self.cell == 'lstm':
            y, (h, c) = self.rnn(x, tuple(states) if states else None)
            return y, h, c
        y, h = self.rnn(x, states[0] if states else None)
        return y, h


def write_case(case, out):
    torch.manual_seed(case['seed'])
    kwargs = dict(input_size=case['I'], hidden_size=case['H'], num_layers=case['L'], bidirectional=case['bi'], batch_first=case['bf'])
    if case['cell'] == 'rnn':
        kwargs['nonlinearity'] = case['nl']
    rnn = MODULES[case['cell']](**kwargs).eval()
    model = Wrapper(rnn, case['cell']).eval()
    T, m, I, H = case['T'], case['m'], case['I'], case['H']
    LD = case['L'] * (2 if case['bi'] else 1)
    x = torch.randn(m, T, I) if case['bf'] else torch.randn(T, m, I)
    states = []
    if case['states']:
        states = [torch.randn(LD, m, H)] + ([torch.randn(LD, m, H)] if case['cell'] == 'lstm' else [])
    with torch.no_grad():
        outputs = model(x, *states)
    state_names = ['h0', 'c0'][:len(states)]
    output_names = ['y', 'hN', 'cN'][:len(outputs)]
    sequence_axes = {0: 'm', 1: 'T'} if case['bf'] else {0: 'T', 1: 'm'}
    dynamic_axes = {'x': sequence_axes, 'y': sequence_axes}
    dynamic_axes.update({name: {1: 'm'} for name in state_names + output_names[1:]})
    path = os.path.join(out, case['name'] + '.onnx')
    torch.onnx.export(model, (x, *states), path, input_names=['x'] + state_names, output_names=output_names,
                      dynamic_axes=dynamic_axes, opset_version=14)
    config = dict(inputSize=I, hiddenSize=H, numLayers=case['L'], bidirectional=case['bi'],
                  layout='batch-major' if case['bf'] else 'time-major')
    if case['cell'] == 'rnn':
        config['nonlinearity'] = case['nl']
    record = {'cell': case['cell'], 'config': config, 'x': tensor(x)}
    record.update({name: tensor(s) for name, s in zip(state_names, states)})
    record.update({name: tensor(o) for name, o in zip(output_names, outputs)})
    with open(os.path.join(out, case['name'] + '.json'), 'w') as f:
        json.dump(record, f)
        f.write('\n')
    print(path, os.path.getsize(path), 'bytes')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for case in CASES:
        write_case(case, args.out)


if __name__ == '__main__':
    main()
