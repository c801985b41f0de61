import { createHash } from 'node:crypto';

const STYLE = `
body { font: 14px system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.3em; } h2 { font-size: 1.05em; margin: 1.2em 0 .4em; }
table { border-collapse: collapse; } td, th { padding: .2em .8em; border-bottom: 1px solid #ddd; text-align: right; }
td:first-child, th:first-child { text-align: left; }
.down { color: #b00; } .muted { color: #777; }
svg { border: 1px solid #ccc; background: #fafafa; }
`;

// Draws with DOM calls only (no innerHTML, no inline style attributes), so the CSP needs no 'unsafe-*'.
const SCRIPT = `
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
const el = (tag, attrs, text) => {
  const node = /^(svg|polyline|line|text)$/.test(tag) ? document.createElementNS('http://www.w3.org/2000/svg', tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = String(text);
  return node;
};
const fig = (v, unit) => (v === null || v === undefined ? 'unknown' : (Number.isInteger(v) ? v : v.toFixed(1)) + (unit || ''));
const section = (id, nodes) => document.getElementById(id).replaceChildren(...nodes);
const down = (status, app) => {
  const a = status.apps.find((x) => x.app === app);
  return el('p', { class: 'down' }, app + ' does not answer at ' + (a ? a.url : '?') + (a && a.error ? ' (' + a.error + ')' : ''));
};
const table = (head, rows) => {
  const t = el('table');
  const tr = el('tr');
  head.forEach((h) => tr.append(el('th', {}, h)));
  t.append(tr);
  rows.forEach((r) => { const row = el('tr'); r.forEach((c) => row.append(el('td', {}, c))); t.append(row); });
  return t;
};
// A projection that had not reported yet is missing from a sample, and an unknown figure is null: neither is drawn.
const known = (v) => typeof v === 'number' && Number.isFinite(v);
const chart = (history, intervalMs) => {
  const W = 640, H = 180, P = 30;
  const svg = el('svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, 'data-samples': history.length, role: 'img', 'aria-label': 'lag over the last minutes' });
  const names = [...new Set(history.flatMap((s) => Object.keys(s.lagEvents)))].sort();
  const series = names.map((n) => ({ name: n + ' (events)', values: history.map((s) => s.lagEvents[n]) }));
  series.push({ name: 'relay unpublished', values: history.map((s) => s.relayUnpublished) });
  const max = Math.max(1, ...series.flatMap((s) => s.values.filter(known)));
  const span = Math.max(1, history.length - 1);
  const x = (i) => P + ((W - 2 * P) * i) / span;
  const y = (v) => H - P - ((H - 2 * P) * v) / max;
  svg.append(el('line', { x1: P, y1: H - P, x2: W - P, y2: H - P, stroke: '#999' }), el('text', { x: 2, y: P, 'font-size': 11, fill: '#555' }, max));
  svg.append(el('text', { x: P, y: H - 8, 'font-size': 11, fill: '#555' }, '-' + Math.round((span * intervalMs) / 60000 * 10) / 10 + ' min'));
  series.forEach((s, k) => {
    const colour = COLOURS[k % COLOURS.length];
    const points = s.values.map((v, i) => (!known(v) ? null : x(i).toFixed(1) + ',' + y(v).toFixed(1))).filter(Boolean).join(' ');
    svg.append(el('polyline', { points, fill: 'none', stroke: colour, 'stroke-width': 1.5, 'data-series': s.name }));
    svg.append(el('text', { x: W - P - 150, y: 14 + 13 * k, 'font-size': 11, fill: colour }, s.name));
  });
  return svg;
};
const render = ({ status, history, sampleIntervalMs }) => {
  if (!status) return;
  document.getElementById('updated').textContent = status.at;
  section('apps', status.apps.map((a) => el('li', { class: a.up ? '' : 'down' }, a.app + ': ' + (a.up ? 'answers' : 'does not answer (' + a.error + ')'))));
  section('chart', [chart(history, sampleIntervalMs)]);
  section('projections', status.projections ? [table(['projection', 'lag events', 'lag s', 'applied', 'dead-lettered', 'parked streams'],
    status.projections.map((p) => [p.projection, fig(p.lagEvents), fig(p.lagSeconds), p.applied, p.deadLettered, p.parked === null ? '-' : p.parked]))] : [down(status, 'projector')]);
  const applied = status.projections ? status.projections.reduce((n, p) => n + p.applied, 0) : null;
  document.getElementById('applied').textContent = fig(applied);
  section('relay', status.relay ? [el('p', {}, 'unpublished events ' + fig(status.relay.unpublished) + ', oldest waiting ' + fig(status.relay.oldestAgeSeconds, ' s') + ', dead-lettered ' + status.relay.deadLettered)] : [down(status, 'command-api')]);
  section('sagas', status.sagas ? [el('p', {}, 'in flight (awaiting_payment) ' + status.sagas.awaitingPayment + ', overdue ' + fig(status.sagas.overdue) + '; by state: ' +
    (Object.entries(status.sagas.byState).map(([s, n]) => s + '=' + n).join(' ') || 'none'))] : [down(status, 'projector')]);
  section('breakers', status.breakers ? status.breakers.map((b) => el('p', {}, b.breaker + ' (' + b.app + '): ' + (b.state || 'unknown'))) : [down(status, 'query-api')]);
};
const poll = async () => {
  try {
    const response = await fetch('status.json', { cache: 'no-store' });
    render(await response.json());
    document.getElementById('error').textContent = '';
  } catch (error) {
    document.getElementById('error').textContent = 'the projector does not answer: ' + error;
  }
  setTimeout(poll, 2000);
};
poll();
`;

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** Exactly what the page needs: its own script and style (by hash), and fetching /status.json. */
export const STATUS_PAGE_CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const STATUS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>ledger status</title>
<style>${STYLE}</style>
</head>
<body>
<h1>ledger status <span class="muted">at <span id="updated">…</span></span></h1>
<p id="error" class="down"></p>
<ul id="apps"></ul>
<h2>Lag over the last minutes</h2>
<div id="chart"></div>
<h2>Projections <span class="muted">(events applied since start: <span id="applied">…</span>)</span></h2>
<div id="projections"></div>
<h2>Relay</h2>
<div id="relay"></div>
<h2>Payment sagas</h2>
<div id="sagas"></div>
<h2>Circuit breakers</h2>
<div id="breakers"></div>
<p class="muted">Counts are since each process started. The same figures: <a href="status.json">status.json</a>, <code>npm run cli -- status</code>, <a href="metrics">/metrics</a>.</p>
<script>${SCRIPT}</script>
</body>
</html>
`;
