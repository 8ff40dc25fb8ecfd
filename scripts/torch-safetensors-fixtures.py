#!/usr/bin/env python3
"""PyTorch state_dicts saved as safetensors, for Lstm/Gru/Rnn.fromPyTorch (LAYERS.md §4): test/fixtures/safetensors/.

Every case builds a torch.nn module holding an nn.LSTM / GRU / RNN (alone, or inside a model beside other layers,
so its tensors have a prefix and siblings), saves `model.state_dict()` with safetensors' own
`safetensors.torch.save_file`, exactly as a user would, and runs the recurrent module on a random input:

  <name>.safetensors      the state_dict
  <name>.io.safetensors   x, and PyTorch's outputs y, hN (and cN for an LSTM), in the dtype they were computed in

cases.json lists every case: { name, class, options (the fromPyTorch options the test passes), dtype (the layer's
dtype fromPyTorch must choose), sizes { inputSize, hiddenSize, numLayers, bidirectional } }, plus the files that
must be refused ({ name, class, error }).

F16 and BF16 state_dicts cannot run on PyTorch's CPU kernels as such: their outputs come from the same module with
the stored (rounded) weights upcast to float32, which is what rnn-native computes with them.

Needs torch and safetensors (`pip install safetensors`). Usage: scripts/torch-safetensors-fixtures.py --out DIR
"""
import argparse
import json
import os

import torch
from safetensors.torch import save_file

torch.manual_seed(2025)
torch.set_num_threads(1)

MODULES = {'Lstm': torch.nn.LSTM, 'Gru': torch.nn.GRU, 'Rnn': torch.nn.RNN}


class Model(torch.nn.Module):
    """A recurrent module `encoder.<name>` between an embedding-like sibling and a linear decoder."""

    def __init__(self, name, recurrent, hidden):
        super().__init__()
        self.embed = torch.nn.Linear(2, 2)
        self.encoder = torch.nn.Module()
        setattr(self.encoder, name, recurrent)
        self.decoder = torch.nn.Linear(hidden, 2)


CASES = [
    dict(name='lstm-f32', cls='Lstm', I=3, H=4, L=1, bi=False, dtype=torch.float32, T=5, m=2),
    dict(name='lstm-l2-bi-prefix-batch-major-f64', cls='Lstm', I=3, H=4, L=2, bi=True, dtype=torch.float64, T=4, m=3,
         prefix='encoder.lstm.', batch_first=True, h0=True),
    dict(name='gru-f32', cls='Gru', I=4, H=5, L=1, bi=False, dtype=torch.float32, T=5, m=2, h0=True),
    dict(name='gru-l2-prefix-f64', cls='Gru', I=3, H=3, L=2, bi=False, dtype=torch.float64, T=4, m=2, prefix='encoder.gru.',
         give_prefix=True),
    dict(name='rnn-tanh-l2-bi-f64', cls='Rnn', I=3, H=4, L=2, bi=True, dtype=torch.float64, T=4, m=2, nonlinearity='tanh'),
    dict(name='rnn-relu-f32', cls='Rnn', I=3, H=5, L=1, bi=False, dtype=torch.float32, T=5, m=3, nonlinearity='relu',
         prefix='encoder.rnn.'),
    dict(name='lstm-l2-f16', cls='Lstm', I=3, H=4, L=2, bi=False, dtype=torch.float16, T=5, m=2, prefix='encoder.lstm.'),
    dict(name='gru-bi-bf16', cls='Gru', I=3, H=4, L=1, bi=True, dtype=torch.bfloat16, T=4, m=2),
    dict(name='rnn-relu-f16', cls='Rnn', I=2, H=3, L=1, bi=False, dtype=torch.float16, T=4, m=2, nonlinearity='relu'),
]


def build(case):
    kwargs = dict(num_layers=case['L'], bidirectional=case['bi'], batch_first=case.get('batch_first', False))
    if case['cls'] == 'Rnn':
        kwargs['nonlinearity'] = case['nonlinearity']
    recurrent = MODULES[case['cls']](case['I'], case['H'], **kwargs)
    prefix = case.get('prefix')
    if prefix is None:
        return recurrent, recurrent
    model = Model(prefix.split('.')[1], recurrent, case['H'] * (2 if case['bi'] else 1))
    return model, recurrent


def write_case(out, case):
    model, recurrent = build(case)
    stored = case['dtype']
    # Run in float64 for F64, else in float32 with the weights as stored (rounded to F16/BF16 first).
    compute = torch.float64 if stored == torch.float64 else torch.float32
    model.to(stored)
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, os.path.join(out, f"{case['name']}.safetensors"))
    recurrent.to(compute)
    D = 2 if case['bi'] else 1
    T, m = case['T'], case['m']
    shape = (m, T, case['I']) if case.get('batch_first') else (T, m, case['I'])
    io = {'x': torch.randn(*shape, dtype=compute)}
    state = None
    if case.get('h0'):
        io['h0'] = torch.randn(case['L'] * D, m, case['H'], dtype=compute)
        state = io['h0']
        if case['cls'] == 'Lstm':
            io['c0'] = torch.randn(case['L'] * D, m, case['H'], dtype=compute)
            state = (io['h0'], io['c0'])
    with torch.no_grad():
        y, final = recurrent(io['x'], state)
    io['y'] = y
    if case['cls'] == 'Lstm':
        io['hN'], io['cN'] = final
    else:
        io['hN'] = final
    save_file({k: v.contiguous() for k, v in io.items()}, os.path.join(out, f"{case['name']}.io.safetensors"))
    options = {}
    if case.get('give_prefix'):
        options['prefix'] = case['prefix']
    if case.get('batch_first'):
        options['layout'] = 'batch-major'
    if case['cls'] == 'Rnn':
        options['nonlinearity'] = case['nonlinearity']
    return dict(name=case['name'], **{'class': case['cls']}, options=options,
                dtype='float64' if stored == torch.float64 else 'float32', fileDtype=str(stored).replace('torch.', ''),
                sizes=dict(inputSize=case['I'], hiddenSize=case['H'], numLayers=case['L'], bidirectional=case['bi']))


def write_refused(out):
    """State_dicts fromPyTorch must refuse, or read only with a prefix."""
    refused = []
    save_file(torch.nn.LSTM(3, 4, proj_size=2).state_dict(), os.path.join(out, 'lstm-proj-size.safetensors'))
    refused.append({'name': 'lstm-proj-size', 'class': 'Lstm', 'error': 'weight_hr_l0'})
    # Two LSTMs in one model: the prefix must be given. An LSTM and a GRU: each class finds its own.
    two = torch.nn.Module()
    two.encoder = torch.nn.LSTM(3, 4)
    two.decoder = torch.nn.LSTM(4, 2)
    save_file(two.state_dict(), os.path.join(out, 'two-lstms.safetensors'))
    mixed = torch.nn.Module()
    mixed.encoder = torch.nn.LSTM(3, 4)
    mixed.decoder = torch.nn.GRU(4, 2)
    save_file(mixed.state_dict(), os.path.join(out, 'lstm-and-gru.safetensors'))
    save_file(torch.nn.LSTM(3, 4, bias=False).state_dict(), os.path.join(out, 'lstm-no-bias.safetensors'))
    refused.append({'name': 'lstm-no-bias', 'class': 'Lstm', 'error': 'bias_ih_l0'})
    return refused


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--out', required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    cases = [write_case(args.out, case) for case in CASES]
    manifest = {'torch': torch.__version__, 'cases': cases, 'refused': write_refused(args.out)}
    with open(os.path.join(args.out, 'cases.json'), 'w') as f:
        json.dump(manifest, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
