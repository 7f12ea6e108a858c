// Ferry console: reads the replicator's admin API (docs/console.md) and draws it. No library; all
// data goes into the page as text nodes, never as markup.
'use strict';

const POLL_MS = 3000;
const HISTORY_MS = 10000;
const TOKEN_KEY = 'ferry-admin-token';
const SVG = 'http://www.w3.org/2000/svg';

function fromHash() {
  try {
    return decodeURIComponent((location.hash.match(/^#service=(.+)$/) || [])[1] || '');
  } catch (e) {
    return ''; // a malformed address: nothing selected
  }
}

let selected = fromHash();
let overview = null;
let detail = null;
let series = null;
let checks = null;
let lastOk = null;
let failingSince = null;
let historyAt = 0;
let firstRender = true;
let generation = 0; // a poll whose selection changed meanwhile is dropped
let polling = null;
let actionMessage = '';
let acting = false;

// ---------------------------------------------------------------- helpers

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function svg(tag, attrs, ...children) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  for (const c of children.flat()) {
    if (c !== null && c !== undefined) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function stateClass(state) {
  if (!state) return 's-offline';
  if (state === 'ONLINE') return 's-online';
  if (state.includes('ERROR')) return 's-error';
  if (state.startsWith('GOING')) return 's-moving';
  return 's-offline';
}

function seconds(v) {
  if (v === null || v === undefined || v < 0) return '–';
  if (v < 10) return v.toFixed(2) + ' s';
  if (v < 3600) return v.toFixed(0) + ' s';
  return (v / 3600).toFixed(1) + ' h';
}

function number(v) {
  if (v === null || v === undefined) return '–';
  if (Math.abs(v) >= 1e6) return (v / 1e6).toFixed(1) + ' M';
  if (Math.abs(v) >= 1e4) return (v / 1e3).toFixed(1) + ' k';
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

function time(d) {
  return d.toLocaleTimeString([], { hour12: false });
}

// ---------------------------------------------------------------- the API

class Unauthorized extends Error {}

async function api(path, method, body) {
  const headers = { Accept: 'application/json' };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = 'Bearer ' + token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(path, {
    method: method || 'GET',
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  const text = await r.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
  if (r.status === 401) throw new Unauthorized(json && json.error ? json.error : 'unauthorized');
  if (!r.ok) throw new Error((json && json.error) || ('HTTP ' + r.status + ' for ' + path));
  return json;
}

function serviceUrl(name, what) {
  return '/api/v1/services/' + encodeURIComponent(name) + (what ? '/' + what : '');
}

// ---------------------------------------------------------------- login and banner

function showLogin(message) {
  stopPolling(); // until a token is given
  document.getElementById('app').hidden = true;
  document.getElementById('banner').hidden = true;
  const form = document.getElementById('login');
  form.hidden = false;
  document.getElementById('login-error').textContent = message || '';
  document.getElementById('token').focus();
}

document.getElementById('login').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const input = document.getElementById('token');
  sessionStorage.setItem(TOKEN_KEY, input.value);
  input.value = '';
  document.getElementById('login').hidden = true;
  startPolling();
});

function banner(text) {
  const b = document.getElementById('banner');
  b.hidden = !text;
  b.textContent = text || '';
}

// ---------------------------------------------------------------- polling

async function tick() {
  if (document.hidden) return;
  const mine = ++generation;
  try {
    const o = await api('/api/v1/console');
    if (mine !== generation) return;
    overview = o;
    if (selected && !o.services.some((s) => s.name === selected)) {
      selected = ''; // removed or renamed
      detail = null;
      series = null;
    }
    if (selected) {
      const name = selected;
      const d = await api(serviceUrl(name));
      let h = null;
      let c = null;
      if (Date.now() - historyAt >= HISTORY_MS) {
        h = await api('/api/v1/history?service=' + encodeURIComponent(name));
        c = await api(serviceUrl(name, 'checks') + '?runs=5').catch((e) => {
          if (e instanceof Unauthorized) throw e;
          return null;
        });
      }
      if (mine !== generation || name !== selected) return;
      detail = d;
      if (h) {
        series = h;
        checks = c;
        historyAt = Date.now();
      }
    }
    lastOk = new Date();
    failingSince = null;
    banner('');
    document.getElementById('login').hidden = true;
    document.getElementById('app').hidden = false;
    render();
  } catch (e) {
    if (e instanceof Unauthorized) {
      const had = sessionStorage.getItem(TOKEN_KEY);
      sessionStorage.removeItem(TOKEN_KEY);
      overview = null;
      showLogin(had ? 'That token is not this replicator\'s.' : '');
      return;
    }
    if (mine !== generation) return;
    failingSince = failingSince || new Date();
    banner('Cannot reach the replicator\'s admin API at ' + location.origin + ' since '
      + time(failingSince) + ' (' + e.message + '). Retrying every ' + POLL_MS / 1000
      + ' s; what is shown is from ' + (lastOk ? time(lastOk) : 'nowhere yet') + '.');
  }
  document.getElementById('refreshed').textContent =
    'Last refreshed ' + (lastOk ? time(lastOk) : 'never');
}

// ---------------------------------------------------------------- rendering

// what has the keyboard focus, to give it back once the parts are drawn again
function focusKey() {
  const a = document.activeElement;
  if (!a || a === document.body) return null;
  if (a.dataset.verb) return '#actions button[data-verb="' + a.dataset.verb + '"]';
  const row = a.closest && a.closest('tr[data-service]');
  if (row) return 'tr[data-service="' + CSS.escape(row.dataset.service) + '"] button';
  return null;
}

function render() {
  const focus = focusKey();
  document.getElementById('replicator').textContent =
    'replicator ' + overview.version + ', up since ' + new Date(overview.started).toLocaleString();
  renderTable();
  renderTopology();
  renderDetail();
  if (focus) {
    const again = document.querySelector(focus);
    if (again) again.focus();
  }
  if (firstRender) {
    firstRender = false;
    // once drawn on the screen: two frames later
    requestAnimationFrame(() => requestAnimationFrame(() => {
      document.documentElement.dataset.renderedMs = String(Math.round(performance.now()));
    }));
  }
}

function stateBadge(state) {
  return el('span', { class: 'state ' + stateClass(state) }, state || 'unknown');
}

function renderTable() {
  const tbody = document.querySelector('#services tbody');
  const rows = document.createDocumentFragment();
  const counts = {};
  for (const s of overview.services) {
    counts[stateClass(s.state)] = (counts[stateClass(s.state)] || 0) + 1;
    const open = el('button', {
      class: 'link', type: 'button', 'aria-pressed': s.name === selected ? 'true' : 'false',
      onclick: () => select(s.name),
    }, s.name);
    rows.append(el('tr', { class: s.name === selected ? 'selected' : null, 'data-service': s.name },
      el('th', { scope: 'row' }, open),
      el('td', null, s.role),
      el('td', null, stateBadge(s.state)),
      el('td', { class: 'num', 'data-field': 'applied' }, s.appliedLastSeqno),
      el('td', { class: 'num' }, s.storedLastSeqno === null ? '–' : s.storedLastSeqno),
      el('td', { class: 'num' }, seconds(s.appliedLatencySeconds)),
      el('td', null, s.appliedLastEventId || '–')));
  }
  tbody.replaceChildren(rows);
  const parts = [];
  for (const [cls, word] of [['s-online', 'online'], ['s-moving', 'changing'],
    ['s-offline', 'offline'], ['s-error', 'in error']]) {
    if (counts[cls]) parts.push(counts[cls] + ' ' + word);
  }
  document.getElementById('counts').textContent = '(' + overview.services.length + ': '
    + (parts.join(', ') || 'none') + ')';
}

function select(name) {
  selected = name;
  series = null;
  checks = null;
  historyAt = 0;
  detail = null;
  if (('#service=' + encodeURIComponent(name)) !== location.hash) {
    window.history.replaceState(null, '', '#service=' + encodeURIComponent(name));
  }
  actionMessage = '';
  startPolling();
}

// ---------------------------------------------------------------- topology

function portOf(address) {
  const m = /:(\d+)\/?$/.exec(address || '');
  return m ? Number(m[1]) : null;
}

function isLocalHost(address) {
  return /^(thl:\/\/)?(127\.0\.0\.1|localhost|\[::1\])(:|$)/.test(address || '');
}

function renderTopology() {
  const services = overview.services;
  const byPort = new Map();
  const feeds = new Map(); // a local slave's name -> the local master it is connected to
  for (const s of services) {
    if (s.serves) byPort.set(s.serves, s.name);
    for (const r of s.replicas || []) feeds.set(r.name, s.name);
  }
  const local = new Set(services.map((s) => s.name));
  const nodes = new Map(); // id -> {label, sub, column, cls}
  const edges = []; // {from, to, label, cls}
  for (const s of services) {
    const column = s.role === 'slave' ? 2 : 1;
    nodes.set('svc:' + s.name, { label: s.name, sub: s.role + ' · ' + s.state, column,
      cls: stateClass(s.state), service: s.name });
  }
  for (const s of services) {
    const address = s.master && s.master.address ? s.master.address
      : (s.masterUris || [])[0];
    if (address) {
      // its master: the local master it is connected to, or one serving that local port
      const port = portOf(address);
      const master = feeds.get(s.name)
        || (isLocalHost(address) && byPort.has(port) ? byPort.get(port) : null);
      const from = master ? 'svc:' + master : 'ext:' + address;
      if (!nodes.has(from)) {
        nodes.set(from, { label: address, sub: 'master elsewhere', column: 0, cls: 'external' });
      }
      const connected = s.master && s.master.connected;
      edges.push({ from, to: 'svc:' + s.name, cls: 'edge',
        label: (connected ? '' : 'not connected · ') + 'lag ' + seconds(s.appliedLatencySeconds) });
    }
    // multi-master: it applies into the database a local master reads
    if (s.targetDb) {
      for (const m of services) {
        if (m.role === 'master' && m.sourceDb === s.targetDb && m.name !== s.name) {
          edges.push({ from: 'svc:' + s.name, to: 'svc:' + m.name, cls: 'edge link',
            label: 'into ' + m.name + '\'s source' });
        }
      }
    }
    for (const r of s.replicas || []) {
      if (local.has(r.name)) continue; // drawn from the replica's side
      const to = 'ext:' + r.name + '@' + r.address;
      nodes.set(to, { label: r.name, sub: 'replica at ' + r.address, column: 3, cls: 'external' });
      const behind = s.storedLastSeqno === null ? null : Math.max(0, s.storedLastSeqno + 1 - r.nextSeqno);
      edges.push({ from: 'svc:' + s.name, to, cls: 'edge',
        label: behind === null ? 'next ' + r.nextSeqno : behind + ' behind' });
    }
  }
  const W = 230; const H = 58; const GAP = 16; const COL = 420;
  const used = [...new Set([...nodes.values()].map((n) => n.column))].sort();
  const place = new Map();
  const perColumn = used.map(() => 0);
  for (const [id, n] of nodes) {
    const c = used.indexOf(n.column);
    place.set(id, { x: 10 + c * COL, y: 10 + perColumn[c] * (H + GAP) });
    perColumn[c]++;
  }
  const height = 20 + Math.max(1, ...perColumn) * (H + GAP);
  const width = 20 + (used.length - 1) * COL + W;
  const root = svg('svg', { viewBox: '0 0 ' + width + ' ' + height, width, height,
    role: 'img', 'aria-label': 'Topology: ' + nodes.size + ' nodes, ' + edges.length + ' links' });
  for (const e of edges) {
    const a = place.get(e.from); const b = place.get(e.to);
    const x1 = a.x + W; const y1 = a.y + H / 2; const x2 = b.x; const y2 = b.y + H / 2;
    root.append(svg('path', { class: e.cls,
      d: 'M' + x1 + ',' + y1 + ' C' + (x1 + 50) + ',' + y1 + ' ' + (x2 - 50) + ',' + y2 + ' ' + x2 + ',' + y2 }));
    root.append(svg('text', { class: 'edge-label', x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 5,
      'text-anchor': 'middle' }, e.label));
  }
  for (const [id, n] of nodes) {
    const p = place.get(id);
    const g = svg('g', { class: 'node ' + n.cls, transform: 'translate(' + p.x + ',' + p.y + ')' });
    g.append(svg('title', null, n.label + ': ' + n.sub));
    g.append(svg('rect', { width: W, height: H, rx: 6 }));
    g.append(svg('text', { x: 10, y: 22, 'font-weight': 600 }, n.label));
    g.append(svg('text', { x: 10, y: 44 }, n.sub));
    root.append(g);
  }
  const list = el('ul', { class: 'visually-hidden' }, edges.map((e) => el('li', null,
    nodes.get(e.from).label + ' to ' + nodes.get(e.to).label + ': ' + e.label)));
  document.getElementById('topology').replaceChildren(root, list);
}

// ---------------------------------------------------------------- one service

function fact(list, name, value) {
  list.append(el('dt', null, name), el('dd', null, value === null || value === undefined ? '–' : value));
}

function renderDetail() {
  const section = document.getElementById('detail');
  if (!selected || !detail) {
    section.hidden = true;
    return;
  }
  section.hidden = false;
  const d = detail;
  document.getElementById('detail-h').replaceChildren('Service ' + d.name + ' ', stateBadge(d.state));
  renderActions(d);
  const box = document.getElementById('error-box');
  box.replaceChildren();
  if (d.pendingError) {
    const e = d.pendingError;
    box.append(el('div', { class: 'error', 'data-field': 'error' },
      el('strong', null, 'Error'), ' at seqno ', String(e.seqno),
      e.eventId ? ' (source position ' + e.eventId + ')' : '',
      e.stage ? ', stage ' + e.stage : '', e.at ? ', ' + new Date(e.at).toLocaleString() : '',
      ':\n', e.message));
  }
  const facts = el('dl', { id: 'facts' });
  fact(facts, 'Role', d.role);
  fact(facts, 'State since', d.stateSince ? new Date(d.stateSince).toLocaleString() : null);
  fact(facts, 'Applied seqno', d.appliedLastSeqno + ' (epoch ' + d.appliedLastEpoch + ')');
  fact(facts, 'Source position', d.appliedLastEventId);
  fact(facts, 'Applied latency', seconds(d.appliedLatencySeconds));
  fact(facts, 'Stored seqnos', d.storedFirstSeqno === null ? null : d.storedFirstSeqno + ' to ' + d.storedLastSeqno);
  fact(facts, 'Errors since start', d.errorsSinceStart);
  if (d.retrying) fact(facts, 'Retrying', d.retrying.stage + ': ' + d.retrying.reason + ' (' + d.retrying.retries + ' times)');
  if (d.master) {
    fact(facts, 'Master', (d.master.address || '?') + (d.master.connected ? ', connected' : ', not connected')
      + ', its last seqno ' + d.master.masterLastSeqno + ', received ' + d.master.receivedSeqno
      + ', queued ' + number(d.master.queuedBytes) + ' bytes');
  }
  if (d.pendingOffline) fact(facts, 'Going offline', d.pendingOffline);
  document.getElementById('facts').replaceWith(facts);
  renderCharts();
  renderChannels(d);
  renderShards(d);
  renderChecks(d);
  renderSection('conflicts', 'Conflicts', d.conflicts);
}

const ACTIONS = [
  { verb: 'online', label: 'Online', ask: (n) => 'Bring service ' + n + ' online?' },
  { verb: 'offline', label: 'Offline', ask: (n) => 'Take service ' + n + ' offline (cleanly, at a transaction boundary)?' },
  { verb: 'offline-deferred', label: 'Offline at seqno…', ask: null },
  { verb: 'heartbeat', label: 'Heartbeat', ask: (n) => 'Insert a heartbeat on service ' + n + '\'s source?' },
  { verb: 'check', label: 'Check', ask: (n) => 'Start a consistency check of every table through service ' + n + '?' },
];

function renderActions(d) {
  const box = document.getElementById('actions');
  box.replaceChildren(...ACTIONS.map((a) => el('button', {
    type: 'button', 'data-verb': a.verb, disabled: acting, onclick: () => act(d.name, d, a),
  }, a.label)), el('p', { id: 'action-result' }, actionMessage));
}

function said(text) {
  actionMessage = text;
  const out = document.getElementById('action-result');
  if (out) out.textContent = text;
  document.getElementById('announce').textContent = text;
}

async function act(name, d, a) {
  let body = {};
  if (a.verb === 'offline-deferred') {
    const at = window.prompt('Take service ' + d.name + ' offline once it has applied seqno:',
      String((d.storedLastSeqno === null ? d.appliedLastSeqno : d.storedLastSeqno) + 1));
    if (at === null) return;
    if (!/^\d+$/.test(at.trim())) {
      said('A seqno is a whole number.');
      return;
    }
    body = { atSeqno: Number(at.trim()) };
  } else if (!window.confirm(a.ask(d.name))) {
    return;
  }
  acting = true;
  document.querySelectorAll('#actions button').forEach((b) => { b.disabled = true; });
  said(a.label + ': asked of ' + name + '…');
  try {
    await api(serviceUrl(name, a.verb), 'POST', body);
    said(a.label + ': done for ' + name + ' at ' + time(new Date()) + '.');
  } catch (e) {
    if (e instanceof Unauthorized) { acting = false; showLogin('Sign in again.'); return; }
    said(a.label + ' for ' + name + ' refused: ' + e.message);
  } finally {
    acting = false;
  }
  startPolling();
}

function renderChannels(d) {
  const box = document.getElementById('channels');
  box.replaceChildren();
  const stage = (d.stages || []).find((s) => s.parallel);
  if (!stage) return;
  const rows = stage.parallel.channels.map((c) => el('tr', null,
    el('td', { class: 'num' }, c.channel), el('td', null, c.state), el('td', { class: 'num' }, c.committedSeqno),
    el('td', { class: 'num' }, c.queued), el('td', { class: 'num' }, c.transactionsPerSecond),
    el('td', { class: 'num' }, c.retries)));
  box.append(el('h3', null, 'Channels (' + stage.parallel.scheduler + ' scheduler)'),
    el('div', { class: 'scroll' }, el('table', null, el('thead', null, el('tr', null,
      ...['Channel', 'State', 'Committed seqno', 'Queued', 'Transactions/s', 'Retries'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', null, rows))));
}

function renderShards(d) {
  const box = document.getElementById('shards');
  box.replaceChildren();
  const shards = (d.shards || []).slice(0, 30);
  if (!shards.length) return;
  box.append(el('h3', null, 'Shards' + (d.shards.length > 30 ? ' (30 of ' + d.shards.length + ')' : '')),
    el('div', { class: 'scroll' }, el('table', null, el('thead', null, el('tr', null,
      ...['Shard', 'Channel', 'Last seqno', 'Transactions', 'Lag'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', null, shards.map((s) => el('tr', null, el('td', null, s.shard),
      el('td', { class: 'num' }, s.channel === null ? '–' : s.channel), el('td', { class: 'num' }, s.lastSeqno),
      el('td', { class: 'num' }, s.transactions), el('td', { class: 'num' }, seconds(s.lagSeconds))))))));
}

function renderChecks(d) {
  const box = document.getElementById('checks');
  box.replaceChildren();
  const job = checks && checks.job;
  const runs = checks && checks.results ? checks.results.runs || [] : [];
  if (!job && !runs.length && !d.checks) return;
  box.append(el('h3', null, 'Consistency checks'));
  if (job) {
    box.append(el('p', { 'data-field': 'check-job' }, job.kind + ' ' + job.id + ': ' + job.state
      + ', ' + job.tablesDone + ' of ' + job.tablesTotal + ' tables, ' + number(job.rows)
      + ' of about ' + number(job.estimatedRows) + ' rows' + (job.error ? ' — ' + job.error : '')));
  }
  if (runs.length) {
    box.append(el('div', { class: 'scroll' }, el('table', null, el('thead', null, el('tr', null,
      ...['Run', 'Kind', 'Chunks', 'Match', 'Differ', 'Error', 'Rows checked', 'Last checked']
        .map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', null, runs.map((r) => el('tr', null, el('td', null, r.id), el('td', null, r.kind),
      el('td', { class: 'num' }, r.chunks), el('td', { class: 'num' }, r.match),
      el('td', { class: 'num' + (r.differ ? ' bad' : '') }, r.differ ? r.differ + ' differ' : 0),
      el('td', { class: 'num' }, r.error), el('td', { class: 'num' }, number(r.rowsChecked)),
      el('td', null, r.checkedLast || '–')))))));
    if (runs.some((r) => r.differ)) {
      box.append(el('p', null, 'What differs, with the repair commands: ferry check status -service '
        + d.name + ' --id RUN'));
    }
  }
}

function renderSection(id, title, value) {
  const box = document.getElementById(id);
  box.replaceChildren();
  if (!value || typeof value !== 'object') return;
  const list = el('dl', { class: 'kv' });
  for (const [k, v] of Object.entries(value)) {
    list.append(el('dt', null, k), el('dd', null, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)));
  }
  box.append(el('h3', null, title), list);
}

// ---------------------------------------------------------------- charts of the last hour

const CHARTS = [
  ['latencySeconds', 'Applied latency', seconds],
  ['transactionsPerSecond', 'Transactions/s', number],
  ['rowChangesPerSecond', 'Row changes/s', number],
  ['thlBytesPerSecond', 'THL bytes/s', number],
  ['queueBytes', 'Receive queue (bytes)', number],
  ['channelQueue', 'Channel queues (transactions)', number],
  ['retries', 'Retries', number],
];

function renderCharts() {
  const box = document.getElementById('charts');
  box.replaceChildren();
  if (!series || !series.points.length) {
    box.append(el('p', { class: 'empty' }, 'Charts appear after the first sample (every 10 s).'));
    return;
  }
  const cols = series.columns;
  const points = series.points;
  for (const [key, title, fmt] of CHARTS) {
    const i = cols.indexOf(key);
    const values = points.map((p) => p[i]).filter((v) => v !== null);
    if (!values.length) continue;
    const max = Math.max(...values, 1e-9);
    const t0 = points[0][0];
    const span = Math.max(series.resolutionSeconds, points[points.length - 1][0] - t0);
    const coords = points.filter((p) => p[i] !== null)
      .map((p) => ((p[0] - t0) / span * 360).toFixed(1) + ',' + (66 - p[i] / max * 62).toFixed(1));
    const now = values[values.length - 1];
    const label = title + ': now ' + fmt(now) + ', highest ' + fmt(max) + ' over the last '
      + Math.round(span / 60) + ' min';
    box.append(el('div', { class: 'chart' },
      el('h3', null, title, el('span', { class: 'now' }, fmt(now))),
      svg('svg', { viewBox: '0 0 360 70', preserveAspectRatio: 'none', role: 'img', 'aria-label': label },
        svg('polyline', { points: coords.join(' ') }))));
  }
}

// ---------------------------------------------------------------- start

// one poll at a time: the next is due POLL_MS after the last one ended
function startPolling() {
  stopPolling();
  const loop = async () => {
    await tick();
    if (polling !== null) polling = setTimeout(loop, POLL_MS);
  };
  polling = 0;
  loop();
}

function stopPolling() {
  if (polling) clearTimeout(polling);
  polling = null;
}

document.addEventListener('visibilitychange', () => { if (!document.hidden && polling !== null) startPolling(); });
window.addEventListener('hashchange', () => {
  const name = fromHash();
  if (name !== selected) select(name);
});
startPolling();
