// The hpc-dask dashboard: one event stream (topic "summary") keeps every widget current; the runs table is fetched
// from /api/runs/page when the summary says runs changed; an opened run follows its log on a stream of its own
// (topic "log=ID"). Every value from the server goes into the page as text (textContent), never as HTML.
'use strict';
(function () {
  const WINDOW_MS = 10 * 60 * 1000;
  const PAGE = 50;
  // the chart's bands, bottom up: what is active first, so it stays visible above a large completed count
  const GROUPS = [
    { name: 'running', states: ['running'], color: '--running' },
    { name: 'staged', states: ['staged'], color: '--staged' },
    { name: 'failed', states: ['error', 'lost', 'timeout'], color: '--failed' },
    { name: 'cancelled', states: ['terminated'], color: '--cancelled' },
    { name: 'completed', states: ['completed'], color: '--completed' },
  ];
  const FINAL = new Set(['completed', 'error', 'terminated', 'lost', 'timeout']);

  const model = {
    states: [], counts: {}, series: [], workers: new Map(), profiles: [], jobs: [], queue: null,
    throughput: 0, runsVersion: null, system: '', skew: 0,
  };
  const $ = (id) => document.getElementById(id);

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function td(text, cls) {
    return el('td', cls, text);
  }

  function serverNow() {
    return Date.now() + model.skew;
  }

  function duration(ms) {
    if (ms === null || ms === undefined || !isFinite(ms)) return '';
    let s = Math.max(0, Math.round(ms / 1000));
    const h = Math.floor(s / 3600); s -= h * 3600;
    const m = Math.floor(s / 60); s -= m * 60;
    if (h > 0) return h + 'h ' + String(m).padStart(2, '0') + 'm';
    if (m > 0) return m + 'm ' + String(s).padStart(2, '0') + 's';
    return s + 's';
  }

  function fmt(n) {
    return Number(n || 0).toLocaleString('en-US');
  }

  function cssVar(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
  }

  function groupCount(counts, g) {
    return g.states.reduce((sum, s) => sum + (counts[s] || 0), 0);
  }

  // ------------------------------------------------------------------ the summary stream

  let summary = null;

  function connect() {
    if (summary) summary.close();
    summary = new EventSource('/api/events?topics=summary');
    summary.addEventListener('summary', (e) => apply(JSON.parse(e.data)));
    summary.onopen = () => setLive(true, 'live');
    summary.onerror = () => {
      // the browser reconnects by itself after a network error; an HTTP error (401, 503) closes the stream for good
      if (summary.readyState === EventSource.CLOSED) {
        setLive(false, 'disconnected: run hpc-dask dashboard for a new login link');
        setTimeout(connect, 5000);
      } else {
        setLive(false, 'reconnecting');
      }
    };
  }

  function setLive(on, text) {
    const l = $('live');
    l.textContent = text;
    l.className = on ? 'live' : 'live off';
  }

  function apply(m) {
    model.skew = m.serverTime - Date.now();
    if (m.full) {
      model.series = [];
      model.workers.clear();
      workerRows.forEach((tr) => tr.remove());
      workerRows.clear();
    }
    if (m.states) model.states = m.states;
    if (m.system !== undefined) model.system = m.system;
    if (m.counts) model.counts = m.counts;
    if (m.throughput !== undefined) model.throughput = m.throughput;
    if (m.queue) model.queue = m.queue;
    if (m.series) addSamples(m.series);
    const changed = [];
    if (m.workers) m.workers.forEach((w) => { model.workers.set(w.id, w); changed.push(w.id); });
    if (m.workersGone) m.workersGone.forEach((id) => { model.workers.delete(id); changed.push(id); });
    if (m.profiles) { model.profiles = m.profiles; renderProfiles(); }
    if (m.jobs) { model.jobs = m.jobs; renderJobs(); }
    renderHeader();
    renderTiles();
    renderWorkers(changed);
    drawCharts();
    if (m.runsVersion !== undefined && m.runsVersion !== model.runsVersion) {
      model.runsVersion = m.runsVersion;
      refreshRuns();
    }
  }

  function addSamples(samples) {
    const s = model.series;
    for (const x of samples) {
      // a second sampled again replaces its earlier sample
      while (s.length && s[s.length - 1].t >= x.t) s.pop();
      s.push(x);
    }
    const from = serverNow() - WINDOW_MS - 1000;
    while (s.length && s[0].t < from) s.shift();
  }

  // ------------------------------------------------------------------ tiles and header

  function renderHeader() {
    $('system').textContent = model.system ? 'workers: ' + model.system : '';
  }

  function renderTiles() {
    const c = model.counts;
    for (const g of GROUPS) {
      const n = document.querySelector('[data-testid=count-' + g.name + ']');
      n.textContent = String(groupCount(c, g));
    }
    $('failed-detail').textContent = ['error', 'lost', 'timeout']
      .filter((s) => c[s]).map((s) => fmt(c[s]) + ' ' + s).join(', ');
    $('throughput').textContent = Number(model.throughput || 0).toFixed(model.throughput >= 10 ? 0 : 2);
    renderQueue();
  }

  function renderQueue() {
    const q = model.queue;
    if (!q) return;
    $('queue-wait').textContent = q.oldestStagedAt ? duration(serverNow() - q.oldestStagedAt) : '-';
    $('queue-detail').textContent = fmt(q.staged) + ' queued' + (q.waiting ? ', ' + fmt(q.waiting) + ' waiting for others' : '');
  }

  // ------------------------------------------------------------------ charts

  function canvasContext(canvas) {
    const ratio = window.devicePixelRatio || 1;
    if (!canvas.dataset.h) canvas.dataset.h = canvas.getAttribute('height'); // its CSS height, before scaling
    const h = Number(canvas.dataset.h);
    const w = canvas.clientWidth || Number(canvas.getAttribute('width'));
    canvas.style.height = h + 'px';
    const pw = Math.round(w * ratio);
    const ph = Math.round(h * ratio);
    if (canvas.width !== pw || canvas.height !== ph) {
      canvas.width = pw;
      canvas.height = ph;
    }
    const ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, h);
    return { ctx, w, h };
  }

  function drawCharts() {
    drawStates();
    drawRate();
  }

  function sampleCount(sample, g) {
    let n = 0;
    for (const st of g.states) {
      const i = model.states.indexOf(st);
      if (i >= 0) n += sample.counts[i] || 0;
    }
    return n;
  }

  function drawStates() {
    const { ctx, w, h } = canvasContext($('chart'));
    const now = serverNow();
    const x0 = now - WINDOW_MS;
    const pad = 28;
    const xs = (t) => pad + ((t - x0) / WINDOW_MS) * (w - pad);
    const s = model.series;
    let max = 1;
    for (const x of s) {
      max = Math.max(max, GROUPS.reduce((sum, g) => sum + sampleCount(x, g), 0));
    }
    const ys = (n) => h - 14 - (n / max) * (h - 22);
    if (s.length) {
      // step bands: each sample holds until the next one (the last until now)
      let below = s.map(() => 0);
      for (const g of GROUPS) {
        const top = s.map((x, i) => below[i] + sampleCount(x, g));
        ctx.beginPath();
        for (let i = 0; i < s.length; i++) {
          const xa = xs(Math.max(s[i].t, x0));
          const xb = xs(i + 1 < s.length ? s[i + 1].t : now);
          if (i === 0) ctx.moveTo(xa, ys(top[i]));
          ctx.lineTo(xa, ys(top[i]));
          ctx.lineTo(xb, ys(top[i]));
        }
        for (let i = s.length - 1; i >= 0; i--) {
          const xa = xs(Math.max(s[i].t, x0));
          const xb = xs(i + 1 < s.length ? s[i + 1].t : now);
          ctx.lineTo(xb, ys(below[i]));
          ctx.lineTo(xa, ys(below[i]));
        }
        ctx.closePath();
        ctx.fillStyle = cssVar(g.color);
        ctx.fill();
        below = top;
      }
    }
    axes(ctx, w, h, pad, fmt(max));
  }

  function axes(ctx, w, h, pad, topLabel) {
    ctx.fillStyle = cssVar('--muted');
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'left';
    ctx.fillText(topLabel, 0, 10);
    ctx.fillText('0', 0, h - 14);
    ctx.textAlign = 'center';
    for (let m = 10; m >= 0; m -= 2) {
      const x = pad + ((WINDOW_MS - m * 60000) / WINDOW_MS) * (w - pad);
      ctx.fillText(m === 0 ? 'now' : '-' + m + 'm', Math.min(x, w - 12), h - 1);
    }
    ctx.strokeStyle = cssVar('--line');
    ctx.beginPath();
    ctx.moveTo(pad, h - 14 + 0.5);
    ctx.lineTo(w, h - 14 + 0.5);
    ctx.stroke();
  }

  function drawRate() {
    const { ctx, w, h } = canvasContext($('rate'));
    const now = serverNow();
    const x0 = now - WINDOW_MS;
    const pad = 28;
    const s = model.series;
    const rates = [];
    for (let i = 1; i < s.length; i++) {
      const dt = (s[i].t - s[i - 1].t) / 1000;
      if (dt > 0) rates.push({ t: s[i].t, r: Math.max(0, (s[i].finished - s[i - 1].finished) / dt) });
    }
    const max = Math.max(1, ...rates.map((x) => x.r));
    ctx.fillStyle = cssVar('--completed');
    const bw = Math.max(1, (w - pad) / (WINDOW_MS / 1000));
    for (const x of rates) {
      if (x.t < x0) continue;
      const px = pad + ((x.t - x0) / WINDOW_MS) * (w - pad);
      const ph = (x.r / max) * (h - 22);
      ctx.fillRect(px - bw, h - 14 - ph, bw, ph);
    }
    axes(ctx, w, h, pad, max.toFixed(max >= 10 ? 0 : 1) + '/s');
  }

  function legend() {
    const box = $('legend');
    for (const g of GROUPS) {
      const item = el('span');
      const sw = el('i');
      sw.style.background = cssVar(g.color);
      item.append(sw, document.createTextNode(g.name));
      box.append(item);
    }
  }

  // ------------------------------------------------------------------ workers

  const workerRows = new Map();

  function bar(used, total) {
    const b = el('span', 'bar');
    const fill = el('span');
    fill.style.width = (total > 0 ? Math.min(100, (100 * used) / total) : 0) + '%';
    b.append(fill);
    return b;
  }

  // memory is in bytes: shown in GiB, as the CLI's tables show it
  function amount(name, n) {
    return name === 'memory' ? (Number(n || 0) / 1073741824).toFixed(1) + 'G' : fmt(n);
  }

  function barLine(name, used, total) {
    const line = el('div', 'barline');
    if (name !== null) line.append(el('span', 'name', name));
    line.append(bar(used, total), el('span', 'num', amount(name, used) + ' / ' + amount(name, total)));
    if (name !== null) line.title = name + ': ' + amount(name, used) + ' of ' + amount(name, total) + ' in use';
    return line;
  }

  function workerRow(w) {
    const tr = el('tr');
    tr.setAttribute('data-testid', 'worker-row');
    tr.setAttribute('data-worker', w.id);
    tr.append(td(w.id), td(w.profile || '-'), td(w.host), td(w.jobId || '-'));
    const slots = el('td');
    slots.append(barLine(null, w.slotsUsed, w.slots));
    tr.append(slots);
    const res = el('td');
    const used = w.used || {};
    Object.keys(w.resources || {}).sort().forEach((name) => {
      if (name === 'gpu' && w.gpus && w.gpus.length) return; // shown device by device
      res.append(barLine(name, used[name] || 0, w.resources[name]));
    });
    tr.append(res);
    const gpus = el('td');
    (w.gpus || []).forEach((g) => {
      const d = el('span', g.busy ? 'gpu busy' : 'gpu', g.id);
      d.title = 'GPU ' + g.id + (g.busy ? ': in use' : ': free');
      gpus.append(d);
    });
    if (!(w.gpus || []).length && w.resources && w.resources.gpu) {
      gpus.append(barLine(null, used.gpu || 0, w.resources.gpu));
    }
    tr.append(gpus);
    const st = el('td');
    st.append(el('span', 'state ' + (w.draining ? 'draining' : ''), w.state));
    tr.append(st);
    const left = td('', 'num lifetime');
    left.dataset.end = w.endTime ? String(w.endTime) : '';
    tr.append(left);
    return tr;
  }

  function renderWorkers(changedIds) {
    const body = $('workers').tBodies[0];
    const ids = changedIds || [];
    if (workerRows.size === 0 && model.workers.size > 0) {
      // a full summary: build every row in one fragment
      const frag = document.createDocumentFragment();
      [...model.workers.keys()].sort(byName).forEach((id) => {
        const tr = workerRow(model.workers.get(id));
        workerRows.set(id, tr);
        frag.append(tr);
      });
      body.append(frag);
    } else {
      for (const id of ids) {
        const old = workerRows.get(id);
        const w = model.workers.get(id);
        if (!w) {
          if (old) old.remove();
          workerRows.delete(id);
          continue;
        }
        const tr = workerRow(w);
        if (old) {
          old.replaceWith(tr);
        } else {
          insertSorted(body, tr, id);
        }
        workerRows.set(id, tr);
      }
    }
    $('workers-count').textContent = fmt(model.workers.size) + ' connected';
    renderLifetimes();
  }

  function byName(a, b) {
    return a.localeCompare(b, 'en', { numeric: true });
  }

  function insertSorted(body, tr, id) {
    for (const row of body.rows) {
      if (byName(row.getAttribute('data-worker'), id) > 0) {
        body.insertBefore(tr, row);
        return;
      }
    }
    body.append(tr);
  }

  function renderLifetimes() {
    const now = serverNow();
    for (const cell of document.querySelectorAll('#workers td.lifetime')) {
      const end = Number(cell.dataset.end);
      cell.textContent = end ? duration(end - now) : '-';
    }
  }

  // ------------------------------------------------------------------ profiles and batch jobs

  function renderProfiles() {
    const body = $('profiles').tBodies[0];
    body.replaceChildren();
    if (!model.profiles.length) {
      const tr = el('tr');
      const cell = td('none: this cluster\'s workers are started by hand or by cluster up', 'muted');
      cell.colSpan = 6;
      tr.append(cell);
      body.append(tr);
    }
    for (const p of model.profiles) {
      const tr = el('tr');
      tr.append(td(p.profile), td(p.adapt ? p.target + ' (adapt ' + p.adapt.minimum + '-' + p.adapt.maximum + ')' : p.target, 'num'),
        td(p.connected, 'num'), td(p.pending, 'num'), td(p.running, 'num'));
      const health = el('td');
      if (p.pausedReason) {
        health.append(el('div', 'health-bad', 'paused: ' + p.pausedReason));
      } else {
        health.append(el('div', 'health-ok', 'ok'));
      }
      if (p.lastError) {
        const err = el('pre', 'stderr', p.lastError);
        if (p.lastErrorJob) err.title = 'job ' + p.lastErrorJob + (p.lastErrorStderr ? ', stderr in ' + p.lastErrorStderr : '');
        health.append(err);
      }
      tr.append(health);
      body.append(tr);
    }
  }

  function renderJobs() {
    const body = $('jobs').tBodies[0];
    body.replaceChildren();
    const now = serverNow();
    const jobs = [...model.jobs].sort((a, b) => b.submittedAt - a.submittedAt);
    for (const j of jobs) {
      const tr = el('tr');
      const age = td(duration(now - j.submittedAt), 'num age');
      age.dataset.since = String(j.submittedAt);
      tr.append(td(j.jobId), td(j.profile), td(String(j.state).toLowerCase()), td(j.reason || ''), age);
      body.append(tr);
    }
    if (!jobs.length) {
      const tr = el('tr');
      const cell = td('no batch jobs', 'muted');
      cell.colSpan = 5;
      tr.append(cell);
      body.append(tr);
    }
  }

  function renderAges() {
    const now = serverNow();
    for (const cell of document.querySelectorAll('#jobs td.age')) {
      cell.textContent = duration(now - Number(cell.dataset.since));
    }
  }

  // ------------------------------------------------------------------ runs table

  let limit = PAGE;
  let fetching = false;
  let again = false;
  let lastFetch = 0;
  let selectedRun = null;

  function labelGlob(text) {
    const t = text.trim();
    if (!t) return '';
    return /[*?[]/.test(t) ? t : '*' + t + '*';
  }

  function refreshRuns() {
    if (fetching) {
      again = true;
      return;
    }
    const wait = 1000 - (Date.now() - lastFetch); // at most one refetch a second, however fast runs change
    if (wait > 0) {
      fetching = true;
      setTimeout(() => { fetching = false; refreshRuns(); }, wait);
      return;
    }
    fetching = true;
    again = false;
    lastFetch = Date.now();
    const q = new URLSearchParams({ limit: String(limit) });
    const state = $('runs-state').value;
    if (state) q.set('state', state);
    const label = labelGlob($('runs-filter').value);
    if (label) q.set('label', label);
    fetch('/api/runs/page?' + q.toString(), { credentials: 'same-origin' })
      .then((r) => r.json().then((body) => ({ ok: r.ok, body })))
      .then(({ ok, body }) => {
        if (!ok) throw new Error(body && body.error ? body.error : 'the server refused the request');
        $('runs-error').hidden = true;
        renderRuns(body);
      })
      .catch((e) => {
        $('runs-error').textContent = 'runs not shown: ' + e.message;
        $('runs-error').hidden = false;
      })
      .finally(() => {
        fetching = false;
        if (again) refreshRuns();
      });
  }

  function requirements(req) {
    return Object.keys(req || {}).sort().map((k) => k + '=' + req[k]).join(' ');
  }

  function renderRuns(page) {
    const body = $('runs').tBodies[0];
    const frag = document.createDocumentFragment();
    const now = page.serverTime || serverNow();
    const runs = [...page.runs].reverse(); // newest first
    for (const r of runs) {
      const tr = el('tr', 'clickable' + (r.id === selectedRun ? ' selected' : ''));
      tr.setAttribute('data-testid', 'run-row');
      tr.setAttribute('data-run', r.id);
      const st = el('td');
      st.append(el('span', 'state ' + r.state, r.state));
      const ran = r.startedAt ? (r.endedAt || now) - r.startedAt : null;
      tr.append(td(r.id, 'num'), td(r.label || ''), st, td(requirements(r.requires)), td(r.worker || ''),
        td(ran === null ? '' : duration(ran), 'num'), td(r.exitCode === null || r.exitCode === undefined ? '' : r.exitCode, 'num'));
      if (r.state === 'staged' && r.waitReason) tr.title = r.waitReason;
      else if (r.reason) tr.title = r.reason;
      tr.addEventListener('click', () => openRun(r.id));
      frag.append(tr);
    }
    body.replaceChildren(frag);
    $('runs-count').textContent = fmt(page.runs.length) + ' of ' + fmt(page.matching);
    $('runs-more').hidden = page.runs.length >= page.matching;
  }

  let filterTimer = null;

  function filtersChanged() {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(() => { limit = PAGE; lastFetch = 0; refreshRuns(); }, 250);
  }

  // ------------------------------------------------------------------ one run and its log

  let logStream = null;
  let decoder = null;

  function openRun(id) {
    if (logStream) logStream.close();
    selectedRun = id;
    for (const tr of $('runs').tBodies[0].rows) {
      tr.classList.toggle('selected', tr.getAttribute('data-run') === id);
    }
    $('run-view').hidden = false;
    $('run-id').textContent = id;
    $('run-label').textContent = '';
    $('run-state').textContent = '';
    $('run-error').hidden = true;
    $('run-log').textContent = '';
    $('cancel-run').disabled = true;
    decoder = new TextDecoder('utf-8');
    // the browser resumes a dropped stream from the last offset it got (Last-Event-ID)
    logStream = new EventSource('/api/events?topics=' + encodeURIComponent('log=' + id));
    logStream.addEventListener('run', (e) => showRun(JSON.parse(e.data)));
    logStream.addEventListener('log', (e) => appendLog(JSON.parse(e.data)));
    logStream.addEventListener('end', (e) => {
      showRun(JSON.parse(e.data));
      logStream.close();
    });
    logStream.onerror = () => {
      if (logStream.readyState === EventSource.CLOSED) {
        $('run-error').textContent = 'the log stream was refused; reopen the run';
        $('run-error').hidden = false;
      }
    };
    $('run-view').scrollIntoView({ block: 'nearest' });
  }

  function showRun(run) {
    $('run-label').textContent = run.label || '';
    const st = $('run-state');
    st.textContent = run.state;
    st.className = 'state ' + run.state;
    $('cancel-run').disabled = FINAL.has(run.state);
  }

  function appendLog(chunk) {
    const raw = atob(chunk.data || '');
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    const pre = $('run-log');
    const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    pre.append(document.createTextNode(decoder.decode(bytes, { stream: true })));
    if (atBottom) pre.scrollTop = pre.scrollHeight;
  }

  function cancelRun() {
    const id = selectedRun;
    if (!id) return;
    $('cancel-run').disabled = true;
    fetch('/api/cancel', {
      method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([id]),
    }).then((r) => r.json().then((body) => {
      if (!r.ok) throw new Error(body && body.error ? body.error : 'refused');
      if (!body.includes(id)) throw new Error('run ' + id + ' had ended already');
    })).catch((e) => {
      $('run-error').textContent = 'not cancelled: ' + e.message;
      $('run-error').hidden = false;
      $('cancel-run').disabled = FINAL.has($('run-state').textContent);
    });
  }

  function closeRun() {
    if (logStream) logStream.close();
    logStream = null;
    selectedRun = null;
    $('run-view').hidden = true;
    for (const tr of $('runs').tBodies[0].rows) tr.classList.remove('selected');
  }

  // ------------------------------------------------------------------ start

  function start() {
    legend();
    $('runs-filter').addEventListener('input', filtersChanged);
    $('runs-state').addEventListener('change', filtersChanged);
    $('runs-more').addEventListener('click', () => { limit += PAGE; lastFetch = 0; refreshRuns(); });
    $('cancel-run').addEventListener('click', cancelRun);
    $('run-close').addEventListener('click', closeRun);
    window.addEventListener('resize', drawCharts);
    // relative times (ages, lifetime left, the chart's axis) move with the clock here: no request is made
    setInterval(() => { renderQueue(); renderLifetimes(); renderAges(); drawCharts(); }, 1000);
    connect();
    refreshRuns();
  }

  start();
})();
