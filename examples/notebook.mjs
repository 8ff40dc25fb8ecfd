// Runs all eight functions on the reference notebook's own inputs (numpy's seed-1 draws, reproduced by
// RandomState) and prints each checked value beside the notebook's expected value.
import {
  RandomState, lstmBackward, lstmCellBackward, lstmCellForward, lstmForward,
  rnnBackward, rnnCellBackward, rnnCellForward, rnnForward, toNested,
} from 'rnn-native';

const zeros = (...shape) => ({ data: new Float64Array(shape.reduce((a, b) => a * b, 1)), shape });
const lstmParams = (r) => {
  const [Wf, bf, Wi, bi, Wo, bo, Wc, bc] = [[5, 8], [5, 1], [5, 8], [5, 1], [5, 8], [5, 1], [5, 8], [5, 1]].map((s) => r.randn(...s));
  return { Wf, bf, Wi, bi, Wo, bo, Wc, bc };
};
const at = (tensor, ...index) => index.reduce((node, i) => node[i], toNested(tensor));

let worst = 0;
function show(label, actual, expected) {
  const a = [actual].flat();
  const e = [expected].flat();
  const diff = Math.max(...e.map((v, i) => Math.abs(v - a[i]) / Math.max(1, Math.abs(v))));
  worst = Math.max(worst, diff);
  console.log(`  ${label.padEnd(14)} ${a[0].toFixed(12).padStart(17)}  expected ${e[0].toFixed(12).padStart(17)}` +
    `${e.length > 1 ? ` (+${e.length - 1} more)` : ''}  max rel. diff ${diff.toExponential(1)}`);
}

let r = new RandomState(1);
{
  console.log('1. rnnCellForward');
  const [xt, aPrev, Waa, Wax, Wya, ba, by] = [[3, 10], [5, 10], [5, 5], [5, 3], [2, 5], [5, 1], [2, 1]].map((s) => r.randn(...s));
  const { aNext, ytPred } = rnnCellForward(xt, aPrev, { Waa, Wax, Wya, ba, by });
  show('aNext[4]', at(aNext, 4), [0.5958454361396669, 0.18141801524270917, 0.6131186601837866, 0.9980821836482744, 0.8501620098759239, 0.999809777363631, -0.18887155412988774, 0.9981555128490937, 0.6531150966861294, 0.8287203739542315]);
  show('ytPred[1]', at(ytPred, 1), [0.9888161020372671, 0.016820210750325786, 0.21140898750443415, 0.36817466810650507, 0.989883869701484, 0.8894521151515654, 0.3692022383155003, 0.9966312028640354, 0.9982559002073211, 0.17746526245711977]);
}
r = new RandomState(1);
{
  console.log('2. rnnForward');
  const [x, a0, Waa, Wax, Wya, ba, by] = [[3, 10, 4], [5, 10], [5, 5], [5, 3], [2, 5], [5, 1], [2, 1]].map((s) => r.randn(...s));
  const { a, yPred, caches } = rnnForward(x, a0, { Waa, Wax, Wya, ba, by });
  show('a[4][1]', at(a, 4, 1), [-0.9999937511218437, 0.7791123524295185, -0.9986146863678004, -0.9983326666674084]);
  show('yPred[1][3]', at(yPred, 1, 3), [0.7956037317020951, 0.8622486063005222, 0.11118256946945908, 0.8151594655010062]);
  show('caches.x[1][3]', at(caches.x, 1, 3), [-1.1425181980221402, -0.3493427224128775, -0.2088942333747781, 0.5866231911821976]);
}
r = new RandomState(1);
{
  console.log('3. lstmCellForward');
  const [xt, aPrev, cPrev] = [[3, 10], [5, 10], [5, 10]].map((s) => r.randn(...s));
  const params = { ...lstmParams(r), Wy: r.randn(2, 5), by: r.randn(2, 1) };
  const { aNext, cNext, ytPred } = lstmCellForward(xt, aPrev, cPrev, params);
  show('aNext[4]', at(aNext, 4), [-0.6640847127473231, 0.0036921007178917337, 0.020883570162513212, 0.22834166823390004, -0.8557533854879655, 0.0013848230833239928, 0.765665307789794, 0.34631420937755314, -0.002156739515039995, 0.43827274503824876]);
  show('cNext[2]', at(cNext, 2), [0.6326780497534749, 1.0057084884998637, 0.355044742528826, 0.20690913466318617, -1.6456671751753493, 0.11832941898220026, 0.764498107990279, -0.0981561038166735, -0.7434842469584431, -0.26810932290432954]);
  show('ytPred[1]', at(ytPred, 1), [0.7991391305203184, 0.1598661911219829, 0.22412121648952174, 0.1560610775037162, 0.9705721055272869, 0.3114638143159746, 0.009430067259658122, 0.12666352948352655, 0.39380171741014863, 0.07828381153783477]);
}
r = new RandomState(1);
{
  console.log('4. lstmForward');
  const [x, a0] = [[3, 10, 7], [5, 10]].map((s) => r.randn(...s));
  const params = { ...lstmParams(r), Wy: r.randn(2, 5), by: r.randn(2, 1) };
  const { a, y, c } = lstmForward(x, a0, params);
  show('a[4][3][6]', at(a, 4, 3, 6), 0.1721177675329167);
  show('y[1][4][3]', at(y, 1, 4, 3), 0.9508734618501101);
  show('c[1][2][1]', at(c, 1, 2, 1), -0.8555449167181983);
}
r = new RandomState(1);
{
  console.log('5. rnnCellBackward');
  const [xt, aPrev, Wax, Waa, Wya, ba, by] = [[3, 10], [5, 10], [5, 3], [5, 5], [2, 5], [5, 1], [2, 1]].map((s) => r.randn(...s));
  const { cache } = rnnCellForward(xt, aPrev, { Wax, Waa, Wya, ba, by });
  const g = rnnCellBackward(r.randn(5, 10), cache);
  show('dxt[1][2]', at(g.dxt, 1, 2), -1.3872130506020928);
  show('daPrev[2][3]', at(g.daPrev, 2, 3), -0.1523994937739543);
  show('dWax[3][1]', at(g.dWax, 3, 1), 0.41077282493545836);
  show('dWaa[1][2]', at(g.dWaa, 1, 2), 1.1503450668497135);
  show('dba[4]', at(g.dba, 4), [0.2002349138798538]);
}
r = new RandomState(1);
{
  console.log('6. rnnBackward');
  const [x, a0, Wax, Waa, Wya, ba, by] = [[3, 10, 4], [5, 10], [5, 3], [5, 5], [2, 5], [5, 1], [2, 1]].map((s) => r.randn(...s));
  const { caches } = rnnForward(x, a0, { Wax, Waa, Wya, ba, by });
  const g = rnnBackward(r.randn(5, 10, 4), caches);
  show('dx[1][2]', at(g.dx, 1, 2), [-2.071016886851007, -0.592556274588873, 0.02466854778006253, 0.014833166375748254]);
  show('da0[2][3]', at(g.da0, 2, 3), -0.3149423751266506);
  show('dWax[3][1]', at(g.dWax, 3, 1), 11.264104496527771);
  show('dWaa[1][2]', at(g.dWaa, 1, 2), 2.303333126579893);
  show('dba[4]', at(g.dba, 4), [-0.7474772166221403]);
}
r = new RandomState(1);
{
  console.log('7. lstmCellBackward');
  const [xt, aPrev, cPrev] = [[3, 10], [5, 10], [5, 10]].map((s) => r.randn(...s));
  const params = { ...lstmParams(r), Wy: r.randn(2, 5), by: r.randn(2, 1) };
  const { cache } = lstmCellForward(xt, aPrev, cPrev, params);
  const g = lstmCellBackward(r.randn(5, 10), r.randn(5, 10), cache);
  show('dxt[1][2]', at(g.dxt, 1, 2), 3.2305591151091875);
  show('daPrev[2][3]', at(g.daPrev, 2, 3), -0.06396214197109241);
  show('dcPrev[2][3]', at(g.dcPrev, 2, 3), 0.7975220387970015);
  show('dWf[3][1]', at(g.dWf, 3, 1), -0.1479548381644968);
  show('dWi[1][2]', at(g.dWi, 1, 2), 1.0574980552259903);
  show('dWc[3][1]', at(g.dWc, 3, 1), 2.3045621636876668);
  show('dWo[1][2]', at(g.dWo, 1, 2), 0.33131159528921084);
  show('dbf[4]', at(g.dbf, 4), [0.18864637240353493]);
  show('dbi[4]', at(g.dbi, 4), [-0.40142490909675665]);
  show('dbc[4]', at(g.dbc, 4), [0.25587762583018475]);
  show('dbo[4]', at(g.dbo, 4), [0.13893341676116255]);
}
r = new RandomState(1);
{
  console.log('8. lstmBackward (4 steps of a 7-step forward)');
  const [x, a0] = [[3, 10, 7], [5, 10]].map((s) => r.randn(...s));
  const params = { ...lstmParams(r), Wy: zeros(2, 5), by: zeros(2, 1) };
  const { caches } = lstmForward(x, a0, params);
  const g = lstmBackward(r.randn(5, 10, 4), caches);
  show('dx[1][2]', at(g.dx, 1, 2), [0.0021825390334515604, 0.28205374832898944, -0.48292508192306427, -0.43281115395362296]);
  show('da0[2][3]', at(g.da0, 2, 3), 0.3127703102572602);
  show('dWf[3][1]', at(g.dWf, 3, 1), -0.08098023109383466);
  show('dWi[1][2]', at(g.dWi, 1, 2), 0.40512433092981837);
  show('dWc[3][1]', at(g.dWc, 3, 1), -0.07937467355121497);
  show('dWo[1][2]', at(g.dWo, 1, 2), 0.038948775762986956);
  show('dbf[4]', at(g.dbf, 4), [-0.15745656546995196]);
  show('dbi[4]', at(g.dbi, 4), [-0.5084833294481497]);
  show('dbc[4]', at(g.dbc, 4), [-0.4251081750385361]);
  show('dbo[4]', at(g.dbo, 4), [-0.17958196207090743]);
}

const ok = worst < 1e-9;
console.log(`\n${ok ? 'All values match' : 'MISMATCH'}: largest relative difference ${worst.toExponential(2)} (tolerance 1e-9).`);
process.exit(ok ? 0 : 1);
