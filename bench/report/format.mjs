// Shared lookups and number formats of the reports.

const key = (participant, cell, direction, dtype, shape) => [participant, cell, direction, dtype, shape].join('|');

/** A lookup of results by (participant, cell, direction, dtype, shape). */
export function index(results) {
  const map = new Map(results.map((r) => [key(r.participant, r.cell, r.direction, r.dtype, r.shape), r]));
  return (participant, cell, direction, dtype, shape) => map.get(key(participant, cell, direction, dtype, shape));
}

/**
 * ours / peer time for a case, or undefined: from the peer's own result when it was measured side by side with
 * ours (`oursBeside`, stats.mjs measureSideBySide: ORT), else from the two separate measurements.
 */
export function timeRatio(get, peer, cell, direction, dtype, shape) {
  const other = get(peer, cell, direction, dtype, shape);
  const ours = other?.oursBeside ?? get('ours', cell, direction, dtype, shape);
  return ours && other ? ours.ms / other.ms : undefined;
}

export const ms = (v) => (v === undefined ? '-' : v >= 1000 ? v.toFixed(0) : v.toPrecision(3));
