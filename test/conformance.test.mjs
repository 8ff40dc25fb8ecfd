// SPEC §5: the generator check and the reference notebook's eight conformance cases, every listed value asserted to
// 1e-9 relative (or 1e-12 absolute), plus the shape of every result.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as rn from 'rnn-native';
import { RandomState, assertClose, assertShape, at, row } from './support/check.mjs';

const TOL = { rel: 1e-9, abs: 1e-12 };
const close = (actual, expected, label) => assertClose(actual, expected, { ...TOL, label });

test('RandomState(1) reproduces numpy legacy randn (SPEC §5 check values)', () => {
  const r = new RandomState(1);
  const draws = Array.from(r.randn(6).data);
  close(draws, [1.6243453636632417, -0.6117564136500754, -0.5281717522634557, -1.0729686221561705,
    0.8654076293246785, -2.3015386968802827], 'seed 1 draws');
  // Filling is row-major and continues the same stream: randn(2, 3) equals the same six values.
  const again = new RandomState(1).randn(2, 3);
  assert.equal([...again.shape], [2, 3]);
  close(again.data, draws, 'randn(2, 3)');
});

test('case 1: rnnCellForward', () => {
  const r = new RandomState(1);
  const xt = r.randn(3, 10);
  const aPrev = r.randn(5, 10);
  const Waa = r.randn(5, 5);
  const Wax = r.randn(5, 3);
  const Wya = r.randn(2, 5);
  const ba = r.randn(5, 1);
  const by = r.randn(2, 1);
  const { aNext, ytPred, cache } = rn.rnnCellForward(xt, aPrev, { Waa, Wax, Wya, ba, by });
  assertShape(aNext, [5, 10], 'aNext');
  assertShape(ytPred, [2, 10], 'ytPred');
  assertShape(cache.x, [3, 10], 'cache.x');
  close(row(aNext, 4), [0.5958454361396669, 0.18141801524270917, 0.6131186601837866, 0.9980821836482744,
    0.8501620098759239, 0.999809777363631, -0.18887155412988774, 0.9981555128490937, 0.6531150966861294,
    0.8287203739542315], 'aNext[4]');
  close(row(ytPred, 1), [0.9888161020372671, 0.016820210750325786, 0.21140898750443415, 0.36817466810650507,
    0.989883869701484, 0.8894521151515654, 0.3692022383155003, 0.9966312028640354, 0.9982559002073211,
    0.17746526245711977], 'ytPred[1]');
});

test('case 2: rnnForward', () => {
  const r = new RandomState(1);
  const x = r.randn(3, 10, 4);
  const a0 = r.randn(5, 10);
  const Waa = r.randn(5, 5);
  const Wax = r.randn(5, 3);
  const Wya = r.randn(2, 5);
  const ba = r.randn(5, 1);
  const by = r.randn(2, 1);
  const { a, yPred, caches } = rn.rnnForward(x, a0, { Waa, Wax, Wya, ba, by });
  assertShape(a, [5, 10, 4], 'a');
  assertShape(yPred, [2, 10, 4], 'yPred');
  assertShape(caches.x, [3, 10, 4], 'caches.x');
  close(row(a, 4, 1), [-0.9999937511218437, 0.7791123524295185, -0.9986146863678004, -0.9983326666674084], 'a[4][1]');
  close(row(yPred, 1, 3), [0.7956037317020951, 0.8622486063005222, 0.11118256946945908, 0.8151594655010062],
    'yPred[1][3]');
  close(row(caches.x, 1, 3), [-1.1425181980221402, -0.3493427224128775, -0.2088942333747781, 0.5866231911821976],
    'caches.x[1][3]');
});

/** The LSTM draws of cases 3 and 7 after xt, a_prev, c_prev: Wf bf Wi bi Wo bo Wc bc Wy by. */
function drawLstmParams(r, { n_a = 5, n_x = 3, n_y = 2, prediction = true } = {}) {
  const p = {};
  for (const [W, b] of [['Wf', 'bf'], ['Wi', 'bi'], ['Wo', 'bo'], ['Wc', 'bc']]) {
    p[W] = r.randn(n_a, n_a + n_x);
    p[b] = r.randn(n_a, 1);
  }
  if (prediction) {
    p.Wy = r.randn(n_y, n_a);
    p.by = r.randn(n_y, 1);
  }
  return p;
}

test('case 3: lstmCellForward', () => {
  const r = new RandomState(1);
  const xt = r.randn(3, 10);
  const aPrev = r.randn(5, 10);
  const cPrev = r.randn(5, 10);
  const params = drawLstmParams(r);
  const { aNext, cNext, ytPred, cache } = rn.lstmCellForward(xt, aPrev, cPrev, params);
  assertShape(aNext, [5, 10], 'aNext');
  assertShape(cNext, [5, 10], 'cNext');
  assertShape(ytPred, [2, 10], 'ytPred');
  assertShape(cache.x, [3, 10], 'cache.x');
  close(row(aNext, 4), [-0.6640847127473231, 0.0036921007178917337, 0.020883570162513212, 0.22834166823390004,
    -0.8557533854879655, 0.0013848230833239928, 0.765665307789794, 0.34631420937755314, -0.002156739515039995,
    0.43827274503824876], 'aNext[4]');
  close(row(cNext, 2), [0.6326780497534749, 1.0057084884998637, 0.355044742528826, 0.20690913466318617,
    -1.6456671751753493, 0.11832941898220026, 0.764498107990279, -0.0981561038166735, -0.7434842469584431,
    -0.26810932290432954], 'cNext[2]');
  close(row(ytPred, 1), [0.7991391305203184, 0.1598661911219829, 0.22412121648952174, 0.1560610775037162,
    0.9705721055272869, 0.3114638143159746, 0.009430067259658122, 0.12666352948352655, 0.39380171741014863,
    0.07828381153783477], 'ytPred[1]');
});

test('case 4: lstmForward', () => {
  const r = new RandomState(1);
  const x = r.randn(3, 10, 7);
  const a0 = r.randn(5, 10);
  const params = drawLstmParams(r);
  const { a, y, c, caches } = rn.lstmForward(x, a0, params);
  assertShape(a, [5, 10, 7], 'a');
  assertShape(y, [2, 10, 7], 'y');
  assertShape(c, [5, 10, 7], 'c');
  assertShape(caches.x, [3, 10, 7], 'caches.x');
  close(at(a, 4, 3, 6), 0.1721177675329167, 'a[4][3][6]');
  close(at(y, 1, 4, 3), 0.9508734618501101, 'y[1][4][3]');
  close(at(c, 1, 2, 1), -0.8555449167181983, 'c[1][2][1]');
});

test('case 5: rnnCellBackward', () => {
  const r = new RandomState(1);
  const xt = r.randn(3, 10);
  const aPrev = r.randn(5, 10);
  const Wax = r.randn(5, 3); // Wax before Waa in this case
  const Waa = r.randn(5, 5);
  const Wya = r.randn(2, 5);
  const ba = r.randn(5, 1);
  const by = r.randn(2, 1);
  const { cache } = rn.rnnCellForward(xt, aPrev, { Wax, Waa, Wya, ba, by });
  const daNext = r.randn(5, 10);
  const g = rn.rnnCellBackward(daNext, cache);
  assertShape(g.dxt, [3, 10], 'dxt');
  assertShape(g.daPrev, [5, 10], 'daPrev');
  assertShape(g.dWax, [5, 3], 'dWax');
  assertShape(g.dWaa, [5, 5], 'dWaa');
  assertShape(g.dba, [5, 1], 'dba');
  close(at(g.dxt, 1, 2), -1.3872130506020928, 'dxt[1][2]');
  close(at(g.daPrev, 2, 3), -0.1523994937739543, 'daPrev[2][3]');
  close(at(g.dWax, 3, 1), 0.41077282493545836, 'dWax[3][1]');
  close(at(g.dWaa, 1, 2), 1.1503450668497135, 'dWaa[1][2]');
  close(row(g.dba, 4), [0.2002349138798538], 'dba[4]');
});

test('case 6: rnnBackward', () => {
  const r = new RandomState(1);
  const x = r.randn(3, 10, 4);
  const a0 = r.randn(5, 10);
  const Wax = r.randn(5, 3);
  const Waa = r.randn(5, 5);
  const Wya = r.randn(2, 5);
  const ba = r.randn(5, 1);
  const by = r.randn(2, 1);
  const { caches } = rn.rnnForward(x, a0, { Wax, Waa, Wya, ba, by });
  const da = r.randn(5, 10, 4);
  const g = rn.rnnBackward(da, caches);
  assertShape(g.dx, [3, 10, 4], 'dx');
  assertShape(g.da0, [5, 10], 'da0');
  assertShape(g.dWax, [5, 3], 'dWax');
  assertShape(g.dWaa, [5, 5], 'dWaa');
  assertShape(g.dba, [5, 1], 'dba');
  close(row(g.dx, 1, 2), [-2.071016886851007, -0.592556274588873, 0.02466854778006253, 0.014833166375748254], 'dx[1][2]');
  close(at(g.da0, 2, 3), -0.3149423751266506, 'da0[2][3]');
  close(at(g.dWax, 3, 1), 11.264104496527771, 'dWax[3][1]');
  close(at(g.dWaa, 1, 2), 2.303333126579893, 'dWaa[1][2]');
  close(row(g.dba, 4), [-0.7474772166221403], 'dba[4]');
});

test('case 7: lstmCellBackward', () => {
  const r = new RandomState(1);
  const xt = r.randn(3, 10);
  const aPrev = r.randn(5, 10);
  const cPrev = r.randn(5, 10);
  const params = drawLstmParams(r);
  const { cache } = rn.lstmCellForward(xt, aPrev, cPrev, params);
  const daNext = r.randn(5, 10);
  const dcNext = r.randn(5, 10);
  const g = rn.lstmCellBackward(daNext, dcNext, cache);
  assertShape(g.dxt, [3, 10], 'dxt');
  assertShape(g.daPrev, [5, 10], 'daPrev');
  assertShape(g.dcPrev, [5, 10], 'dcPrev');
  for (const k of ['dWf', 'dWi', 'dWc', 'dWo']) assertShape(g[k], [5, 8], k);
  for (const k of ['dbf', 'dbi', 'dbc', 'dbo']) assertShape(g[k], [5, 1], k);
  close(at(g.dxt, 1, 2), 3.2305591151091875, 'dxt[1][2]');
  close(at(g.daPrev, 2, 3), -0.06396214197109241, 'daPrev[2][3]');
  close(at(g.dcPrev, 2, 3), 0.7975220387970015, 'dcPrev[2][3]');
  close(at(g.dWf, 3, 1), -0.1479548381644968, 'dWf[3][1]');
  close(at(g.dWi, 1, 2), 1.0574980552259903, 'dWi[1][2]');
  close(at(g.dWc, 3, 1), 2.3045621636876668, 'dWc[3][1]');
  close(at(g.dWo, 1, 2), 0.33131159528921084, 'dWo[1][2]');
  close(row(g.dbf, 4), [0.18864637240353493], 'dbf[4]');
  close(row(g.dbi, 4), [-0.40142490909675665], 'dbi[4]');
  close(row(g.dbc, 4), [0.25587762583018475], 'dbc[4]');
  close(row(g.dbo, 4), [0.13893341676116255], 'dbo[4]');
});

test('case 8: lstmBackward (four steps of a seven-step forward)', () => {
  const r = new RandomState(1);
  const x = r.randn(3, 10, 7);
  const a0 = r.randn(5, 10);
  const params = drawLstmParams(r, { prediction: false });
  params.Wy = { data: new Float64Array(2 * 5), shape: [2, 5] };
  params.by = { data: new Float64Array(2), shape: [2, 1] };
  const fwd = rn.lstmForward(x, a0, params);
  assertShape(fwd.a, [5, 10, 7], 'a');
  assertShape(fwd.c, [5, 10, 7], 'c');
  assertShape(fwd.y, [2, 10, 7], 'y');
  assertShape(fwd.caches.x, [3, 10, 7], 'caches.x');
  const da = r.randn(5, 10, 4);
  const g = rn.lstmBackward(da, fwd.caches);
  assertShape(g.dx, [3, 10, 4], 'dx');
  assertShape(g.da0, [5, 10], 'da0');
  assertShape(g.dc0, [5, 10], 'dc0');
  for (const k of ['dWf', 'dWi', 'dWc', 'dWo']) assertShape(g[k], [5, 8], k);
  for (const k of ['dbf', 'dbi', 'dbc', 'dbo']) assertShape(g[k], [5, 1], k);
  close(row(g.dx, 1, 2), [0.0021825390334515604, 0.28205374832898944, -0.48292508192306427, -0.43281115395362296],
    'dx[1][2]');
  close(at(g.da0, 2, 3), 0.3127703102572602, 'da0[2][3]');
  close(at(g.dWf, 3, 1), -0.08098023109383466, 'dWf[3][1]');
  close(at(g.dWi, 1, 2), 0.40512433092981837, 'dWi[1][2]');
  close(at(g.dWc, 3, 1), -0.07937467355121497, 'dWc[3][1]');
  close(at(g.dWo, 1, 2), 0.038948775762986956, 'dWo[1][2]');
  close(row(g.dbf, 4), [-0.15745656546995196], 'dbf[4]');
  close(row(g.dbi, 4), [-0.5084833294481497], 'dbi[4]');
  close(row(g.dbc, 4), [-0.4251081750385361], 'dbc[4]');
  close(row(g.dbo, 4), [-0.17958196207090743], 'dbo[4]');
});

test.run();
