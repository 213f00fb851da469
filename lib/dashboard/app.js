// The dashboard: reads /ws/stats (with the recent history on connect) and draws three widgets.
// No framework and nothing from another origin; every value the service sends as null shows "—".
(() => {
  'use strict';
  const DASH = '\u2014';
  const NB = '\u00a0'; // a number never wraps away from its unit
  const MAX_POINTS = 300;
  const $ = (sel, root = document) => root.querySelector(sel);
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

  // --- formatting: null (or a missing number) is "—", never 0 ---
  const fixed = (v, d) => (Math.abs(v) >= 100 || d === 0 ? Math.round(v).toString() : v.toFixed(d));
  const pct = (v) => (isNum(v) ? `${fixed(v, 1)}${NB}%` : DASH);
  const unit = (v, u, d = 0) => (isNum(v) ? `${fixed(v, d)}${NB}${u}` : DASH);
  function bytes(v) {
    if (!isNum(v)) return DASH;
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
    let i = 0;
    while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return `${i === 0 ? Math.round(v) : fixed(v, 1)}${NB}${units[i]}`;
  }
  const rate = (v) => (isNum(v) ? `${bytes(v)}/s` : DASH);
  const clock = (iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  function duration(s) {
    if (!isNum(s)) return DASH;
    const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    return d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${m} min` : `${m} min`;
  }

  // --- series for sparklines: one point per tick, null for a gap ---
  const series = new Map();
  let intervalMs = 2000;
  function point(key, t, v) {
    let s = series.get(key);
    if (!s) series.set(key, (s = []));
    if (s.length > 0 && s[s.length - 1].t >= t) return;
    s.push({ t, v: isNum(v) ? v : null });
    if (s.length > MAX_POINTS) s.splice(0, s.length - MAX_POINTS);
  }
  const diskKey = (d) => `disk:${d.mountpoint}`;
  const gpuKey = (g, i) => `gpu:${g.uuid || (isNum(g.index) ? g.index : i)}`;
  const gpuMemPct = (g) => (g.memory && isNum(g.memory.usedPercent) ? g.memory.usedPercent : g.memoryPercent);
  function record(stats) {
    const t = Date.parse(stats.timestamp);
    if ('cpu' in stats) point('cpu', t, stats.cpu && stats.cpu.usage);
    if ('memory' in stats) point('mem', t, stats.memory && stats.memory.usedPercent);
    if ('network' in stats) {
      point('rx', t, stats.network && stats.network.bytesRecvPerSec);
      point('tx', t, stats.network && stats.network.bytesSentPerSec);
    }
    if ('diskIO' in stats) {
      point('disk:r', t, stats.diskIO && stats.diskIO.readBytesPerSec);
      point('disk:w', t, stats.diskIO && stats.diskIO.writeBytesPerSec);
    }
    (stats.disk || []).forEach((d) => {
      point(`${diskKey(d)}:r`, t, d.readBytesPerSec);
      point(`${diskKey(d)}:w`, t, d.writeBytesPerSec);
    });
    (stats.gpu || []).forEach((g, i) => {
      const k = gpuKey(g, i);
      point(`${k}:usage`, t, g.usage);
      point(`${k}:mem`, t, gpuMemPct(g));
      point(`${k}:temp`, t, g.temperature);
      point(`${k}:power`, t, g.powerDraw);
    });
  }

  /** An SVG line of the series; role=img with a name saying what it shows. */
  function spark(key, label, format, fixedMax) {
    const pts = series.get(key) || [];
    const vals = pts.map((p) => p.v).filter(isNum);
    const minutes = Math.max(1, Math.round((pts.length * intervalMs) / 60000));
    const name = vals.length === 0
      ? `${label}: no readings yet`
      : `${label} over the last ${minutes} min: now ${format(pts[pts.length - 1].v)}, lowest ${format(Math.min(...vals))}, highest ${format(Math.max(...vals))}`;
    const W = 100, H = 28;
    const max = fixedMax || Math.max(1, ...vals) * 1.1;
    let line = '';
    let pen = false;
    // The first minutes grow in from the right; after that the line spans the width.
    const step = W / Math.max(1, Math.min(MAX_POINTS, Math.max(60, pts.length)) - 1);
    const x0 = W - (pts.length - 1) * step;
    pts.forEach((p, i) => {
      if (!isNum(p.v)) { pen = false; return; }
      const x = (x0 + i * step).toFixed(2);
      const y = (H - 1 - (Math.min(p.v, max) / max) * (H - 2)).toFixed(2);
      line += `${pen ? 'L' : 'M'}${x} ${y}`;
      pen = true;
    });
    return `<svg class="spark" viewBox="0 0 ${W} ${H}" preserveAspectRatio="none" role="img" aria-label="${esc(name)}" data-points="${pts.length}"><path d="${line}"/></svg>`;
  }
  // Bars are SVG, not inline styles, so the page's CSP needs no 'unsafe-inline'.
  const clamp = (v) => Math.max(0, Math.min(100, v));
  const bar = (v, hot = 90) => (isNum(v) ? `<svg class="bar${v >= hot ? ' hot' : ''}" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true"><rect class="track" width="100" height="6"/><rect class="fill" width="${clamp(v).toFixed(1)}" height="6"/></svg>` : '');
  const tile = (k, v, sub, extra = '') => `<div class="tile"><div class="k">${esc(k)}</div><div class="v">${esc(v)}</div>${sub ? `<div class="s">${esc(sub)}</div>` : ''}${extra}</div>`;

  // --- widgets ---
  let health = null;
  function renderGpu(gpus) {
    const body = $('#gpu .body');
    if (!gpus.length) {
      const why = health && health.collectors && health.collectors.gpu && health.collectors.gpu.reason;
      body.innerHTML = `<p class="muted">No GPU found.${why ? ` ${esc(why)}` : ''}</p>`;
      return;
    }
    body.innerHTML = gpus.map((g, i) => {
      const k = gpuKey(g, i);
      const mem = g.memory || {};
      const used = isNum(mem.used) ? mem.used : g.memoryUsed;
      const total = isNum(mem.total) ? mem.total : g.memoryTotal;
      const memPct = gpuMemPct(g);
      const procs = (g.processes || []).slice().sort((a, b) => (b.usedMemory || 0) - (a.usedMemory || 0));
      const procList = procs.length
        // AMD and Intel (DRM fdinfo) also say how busy each process kept the GPU; NVIDIA lists memory only.
        ? `<ul class="rows">${procs.map((p) => `<li><div class="line"><span>${esc(p.name)} <span class="muted">${esc(p.pid)}</span></span><span class="num">${isNum(p.usage) ? `${pct(p.usage)} · ` : ''}${bytes(p.usedMemory)}</span></div></li>`).join('')}</ul>`
        : `<p class="muted">${g.processes ? 'No processes on this GPU.' : 'Processes: ' + DASH}</p>`;
      // A runtime-suspended GPU is not queried (that would wake it): say it sleeps, not "0 % busy".
      const asleep = g.powerState === 'suspended';
      const idx = isNum(g.index) ? `GPU ${g.index}` : 'GPU';
      return `<article class="gpu" aria-label="${esc(`${idx}: ${g.name}`)}">
        <h3>${esc(g.name)}</h3>
        <div class="s muted">${esc(idx)}${g.driverVersion ? ` · driver ${esc(g.driverVersion)}` : ''}${g.vendor ? ` · ${esc(g.vendor)}` : ''}${asleep ? ' · <span class="badge">asleep</span>' : ''}</div>
        <div class="tiles">
          ${asleep
    ? tile('Usage', 'Asleep', 'suspended to save power · not queried', '')
    : tile('Usage', pct(g.usage), isNum(g.memoryUtilization) ? `memory bus ${pct(g.memoryUtilization)}` : '', bar(g.usage) + spark(`${k}:usage`, `${g.name} usage`, pct, 100))}
          ${tile('VRAM', `${bytes(used)} / ${bytes(total)}`, pct(memPct), bar(memPct) + spark(`${k}:mem`, `${g.name} VRAM used`, pct, 100))}
          ${tile('Temperature', unit(g.temperature, '°C'), isNum(g.fanSpeed) ? `fan ${pct(g.fanSpeed)}` : `fan ${DASH}`, spark(`${k}:temp`, `${g.name} temperature`, (v) => unit(v, '°C'), 100))}
          ${tile('Power', unit(g.powerDraw, 'W', 1), `limit ${unit(g.powerLimit, 'W')}`, spark(`${k}:power`, `${g.name} power draw`, (v) => unit(v, 'W', 1), isNum(g.powerLimit) ? g.powerLimit : 0))}
          ${tile('Clocks', unit(g.clockCore, 'MHz'), `memory ${unit(g.clockMemory, 'MHz')}`)}
        </div>
        <div class="gpu-procs section"><h3>Processes</h3>${procList}</div>
      </article>`;
    }).join('');
  }

  function renderSystem(s) {
    const cpu = s.cpu || {}, mem = s.memory || {}, net = s.network || {};
    const swap = mem.swap || {};
    const cores = Array.isArray(cpu.perCore) ? cpu.perCore : [];
    const coreBars = cores.length
      ? `<svg class="cores" viewBox="0 0 ${cores.length * 10} 100" preserveAspectRatio="none" role="img" aria-label="${esc('Per-core usage: ' + cores.map((v, i) => `core ${i} ${pct(v)}`).join(', '))}">${cores.map((v, i) => { const h = isNum(v) ? Math.max(2, clamp(v)) : 0; return `<rect x="${i * 10 + 1}" y="${100 - h}" width="8" height="${h}"/>`; }).join('')}</svg>`
      : '';
    const freq = isNum(cpu.frequency) && cpu.frequency > 0 ? unit(cpu.frequency, 'MHz') : DASH; // 0 = the platform does not say
    const load = Array.isArray(cpu.loadAverage) ? cpu.loadAverage.map((v) => (isNum(v) ? v.toFixed(2) : DASH)).join(' ') : DASH;
    const io = s.diskIO || {};
    // A disk whose platform gives no I/O (macOS, network filesystems) shows no I/O line rather than dashes.
    const hasIo = (d) => isNum(d.readBytes) || isNum(d.readBytesPerSec);
    const diskIo = (d) => (hasIo(d)
      ? `<div class="line io"><span class="muted">read ${rate(d.readBytesPerSec)} · write ${rate(d.writeBytesPerSec)}</span><span class="num muted">${isNum(d.busyPercent) ? `busy ${pct(d.busyPercent)}` : ''}</span></div><div class="sparks">${spark(`${diskKey(d)}:r`, `${d.mountpoint} read`, rate)}${spark(`${diskKey(d)}:w`, `${d.mountpoint} write`, rate)}</div>`
      : '');
    const disks = (s.disk || []).map((d) => `<li><div class="line"><span title="${esc(d.device)}">${esc(d.mountpoint)} <span class="muted">${esc(d.fstype)}</span></span><span class="num">${bytes(d.used)} / ${bytes(d.total)}</span></div>${bar(d.usedPercent)}${diskIo(d)}</li>`).join('');
    $('#system .body').innerHTML = `
      <div class="tiles">
        ${tile('CPU', pct(cpu.usage), `${isNum(cpu.cores) ? cpu.cores : DASH} cores · ${freq} · temp${NB}${unit(cpu.temperature, '°C')}`, bar(cpu.usage) + spark('cpu', 'CPU usage', pct, 100))}
        ${tile('Memory', pct(mem.usedPercent), `${bytes(mem.used)} / ${bytes(mem.total)}`, bar(mem.usedPercent) + spark('mem', 'Memory used', pct, 100))}
        ${tile('Swap', pct(swap.usedPercent), `${bytes(swap.used)} / ${bytes(swap.total)}`, bar(swap.usedPercent))}
        ${tile('Network', `↓ ${rate(net.bytesRecvPerSec)}`, `↑ ${rate(net.bytesSentPerSec)}`, spark('rx', 'Network received', rate) + spark('tx', 'Network sent', rate))}
        ${tile('Disk I/O', `R ${rate(io.readBytesPerSec)}`, `W ${rate(io.writeBytesPerSec)}`, spark('disk:r', 'Disk read, all physical disks', rate) + spark('disk:w', 'Disk write, all physical disks', rate))}
      </div>
      <div class="section"><h3>${esc(cpu.model || 'CPU')}</h3><div class="s muted">load ${esc(load)} · up ${duration(s.uptime)}</div>${coreBars}</div>
      <div class="section"><h3>Disks</h3>${disks ? `<ul class="rows">${disks}</ul>` : `<p class="muted">${DASH}</p>`}</div>`;
  }

  // Process monitor: "Top" = every process by CPU (REST, read once per tick), AI/ML ones marked;
  // "AI/ML only" = the stream's own list.
  let scope = 'all', sortKey = 'cpu', sortDir = -1, aiProcs = [], topProcs = null, topBusy = false;
  function renderProcesses() {
    const aiPids = new Set(aiProcs.map((p) => p.pid));
    const list = (scope === 'all' && topProcs ? topProcs : aiProcs).slice();
    list.sort((a, b) => {
      const x = a[sortKey], y = b[sortKey];
      const c = typeof x === 'string' || typeof y === 'string' ? String(x).localeCompare(String(y)) : (x ?? -1) - (y ?? -1);
      return c * sortDir || a.pid - b.pid;
    });
    const rows = list.map((p) => {
      const ai = aiPids.has(p.pid);
      return `<tr${ai ? ' class="ai"' : ''}><td class="c-name" title="${esc(p.name)}">${esc(p.name)}${ai ? '<span class="badge">AI</span>' : ''}</td><td class="c-pid num">${esc(p.pid)}</td><td class="c-cpu num">${isNum(p.cpu) ? fixed(p.cpu, 1) : DASH}</td><td class="c-mem num">${isNum(p.memory) ? fixed(p.memory, 1) : DASH}</td><td class="c-rss num">${bytes(p.rss)}</td><td class="c-status">${esc(p.status || DASH)}</td></tr>`;
    });
    $('#processes tbody').innerHTML = rows.length ? rows.join('') : `<tr><td colspan="6" class="muted">${scope === 'ai' ? 'No AI/ML processes running.' : DASH}</td></tr>`;
    for (const th of document.querySelectorAll('#processes th')) {
      const key = th.querySelector('button').dataset.key;
      th.setAttribute('aria-sort', key === sortKey ? (sortDir > 0 ? 'ascending' : 'descending') : 'none');
    }
  }
  async function refreshTop() {
    if (scope !== 'all' || topBusy) return;
    topBusy = true;
    try {
      const res = await fetch('/api/stats/processes?scope=all&limit=20', { headers: authHeaders(), cache: 'no-store' });
      if (res.ok) topProcs = await res.json();
    } catch { /* offline: keep the last list */ }
    topBusy = false;
    renderProcesses();
  }
  $('#processes thead').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-key]');
    if (!b) return;
    const key = b.dataset.key;
    sortDir = key === sortKey ? -sortDir : key === 'name' || key === 'status' ? 1 : -1;
    sortKey = key;
    renderProcesses();
  });
  $('#processes .seg').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-scope]');
    if (!b) return;
    scope = b.dataset.scope;
    for (const x of document.querySelectorAll('#processes .seg button')) x.setAttribute('aria-pressed', String(x === b));
    renderProcesses();
    void refreshTop();
  });

  function render(stats) {
    const at = clock(stats.timestamp);
    for (const t of document.querySelectorAll('.card .at')) { t.textContent = at; t.dateTime = stats.timestamp; }
    renderGpu(stats.gpu || []);
    renderSystem(stats);
    aiProcs = stats.processes || [];
    renderProcesses();
    void refreshTop();
  }

  // --- connection: token, history on connect, reconnect with backoff ---
  const params = new URLSearchParams(location.search);
  let token = params.get('token') || sessionStorage.getItem('widgets-token') || '';
  if (params.has('token')) {
    sessionStorage.setItem('widgets-token', token);
    params.delete('token'); // keep the secret out of the address bar and screenshots
    history.replaceState(null, '', location.pathname + (params.toString() ? `?${params}` : '') + location.hash);
  }
  const authHeaders = () => (token ? { Authorization: `Bearer ${token}` } : {});
  $('#host').textContent = location.host;
  const status = $('#status');
  function setStatus(text, cls) { status.textContent = text; status.className = `status ${cls || ''}`; }

  let attempt = 0, lastTimestamp = null, socket = null;
  function retry() {
    const delay = Math.round(Math.min(10000, 500 * 2 ** attempt++) * (0.8 + Math.random() * 0.4));
    setStatus(`Offline, retrying in ${Math.ceil(delay / 1000)} s`, 'down');
    setTimeout(connect, delay);
  }
  function askToken(why) {
    $('#token-why').textContent = why;
    $('#token-form').hidden = false;
    setStatus('Token needed', 'down');
    $('#token').focus();
  }
  $('#token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    token = $('#token').value.trim();
    sessionStorage.setItem('widgets-token', token);
    $('#token-form').hidden = true;
    attempt = 0;
    connect();
  });

  async function connect() {
    setStatus('Connecting…');
    // A refused WebSocket upgrade does not say why; a REST read does (401 = token).
    let res;
    try {
      res = await fetch('/api/health', { headers: authHeaders(), cache: 'no-store' });
    } catch {
      return retry();
    }
    if (res.status === 401) return askToken(token ? 'The token was not accepted; enter it again.' : 'This service needs a token.');
    if (!res.ok) return retry();
    health = await res.json().catch(() => null);
    const q = new URLSearchParams({ history: lastTimestamp || '1' });
    if (token) q.set('token', token);
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/stats?${q}`);
    socket = ws;
    ws.onopen = () => { attempt = 0; setStatus('Live', 'live'); };
    ws.onclose = () => { if (socket === ws) { socket = null; retry(); } };
    ws.onmessage = (e) => {
      let msg;
      try { msg = JSON.parse(e.data); } catch { return; }
      if (msg.history) {
        intervalMs = msg.history.intervalMs || intervalMs;
        for (const row of msg.history.samples) record(row);
      } else if (msg.error) {
        setStatus(`Service says: ${msg.error}`, 'down');
      } else if (msg.timestamp) {
        record(msg);
        lastTimestamp = msg.timestamp;
        render(msg);
      }
    };
  }
  connect();
})();
