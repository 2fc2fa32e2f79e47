// Price-history sparkline: pure math from history points to an SVG path.
// Prices are compared as decimal strings turned into numbers only for
// drawing (a pixel position, never a price shown to the shopper).

/**
 * Turns history points [{at, price: {amount}}] into drawing coordinates in a
 * width x height box with `pad` pixels of margin. Points are placed by time
 * (oldest left); the price axis runs from the lowest (bottom) to the highest
 * (top) price; a flat history is drawn in the middle. Invalid points are
 * skipped. Returns {points: [{x, y, at, amount}], path, min, max} or null
 * when there is nothing to draw.
 */
export function sparkline(history, { width = 120, height = 32, pad = 2 } = {}) {
  const pts = [];
  for (const p of history || []) {
    const t = Date.parse(p?.at);
    const v = Number(p?.price?.amount);
    if (Number.isFinite(t) && Number.isFinite(v)) pts.push({ t, v, at: p.at, amount: p.price.amount });
  }
  if (pts.length === 0) return null;
  pts.sort((a, b) => a.t - b.t);
  const t0 = pts[0].t;
  const t1 = pts[pts.length - 1].t;
  let min = Infinity;
  let max = -Infinity;
  for (const p of pts) {
    min = Math.min(min, p.v);
    max = Math.max(max, p.v);
  }
  const w = width - 2 * pad;
  const h = height - 2 * pad;
  const round = (n) => Math.round(n * 100) / 100;
  const out = pts.map((p, i) => {
    let x;
    if (t1 === t0) x = pts.length === 1 ? pad + w : pad + (w * i) / (pts.length - 1);
    else x = pad + (w * (p.t - t0)) / (t1 - t0);
    const y = max === min ? pad + h / 2 : pad + h - (h * (p.v - min)) / (max - min);
    return { x: round(x), y: round(y), at: p.at, amount: p.amount };
  });
  // A single point is drawn as a flat line across the box (the price since then).
  if (out.length === 1) out.unshift({ x: pad, y: out[0].y, at: out[0].at, amount: out[0].amount });
  // Prices hold until they change: draw steps, not slopes.
  let path = `M${out[0].x} ${out[0].y}`;
  for (let i = 1; i < out.length; i++) {
    path += ` H${out[i].x}`;
    if (out[i].y !== out[i - 1].y) path += ` V${out[i].y}`;
  }
  return { points: out, path, min, max };
}
