// The dashboard's live tiles: the server summary arrives over Server-Sent Events (/api/events, one a second), or by
// polling /api/summary every 2 s when the event stream cannot be opened; the QoS map is fetched again from /api/qos
// when the sharing figures change. Where the listener needs a token the browser holds it in a cookie (set when the page
// was opened with ?token=), which these same-origin requests send by themselves. window.peerlinkDashboard exposes
// the state for tests and curious operators.
(function () {
  'use strict';
  const POLL_MS = 2000;
  const MAP_REFRESH_MS = 5000;
  const MAP_PERIOD_MS = 30000;
  const state = { transport: 'connecting', updates: 0, summary: null, map: {}, mapLoads: 0 };
  window.peerlinkDashboard = state;


  const $ = id => document.getElementById(id);
  const num = v => (typeof v === 'number' && isFinite(v) ? v : 0);

  function count(v) {
    return num(v).toLocaleString('en-US', { maximumFractionDigits: 0 });
  }

  function percent(v) {
    return (num(v) * 100).toFixed(1) + ' %';
  }

  function bytes(v) {
    let n = num(v), i = 0;
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? n : n.toFixed(1)) + ' ' + units[i];
  }

  function millis(v) {
    const n = num(v);
    return n >= 1000 ? (n / 1000).toFixed(2) + ' s' : Math.round(n) + ' ms';
  }

  function duration(seconds) {
    let s = Math.floor(num(seconds));
    const d = Math.floor(s / 86400); s %= 86400;
    const h = Math.floor(s / 3600); s %= 3600;
    const m = Math.floor(s / 60); s %= 60;
    return (d ? d + 'd ' : '') + (d || h ? h + 'h ' : '') + (d || h || m ? m + 'm ' : '') + s + 's';
  }

  /** A tile's figure: the raw value in data-value (what the server said), the formatted one as text. */
  function tile(id, value, format) {
    const e = $(id);
    if (!e) return;
    e.dataset.value = String(num(value));
    e.textContent = (format || count)(value);
  }

  function entries(obj) {
    return Object.entries(obj || {}).map(([k, v]) => [k, num(v)]);
  }

  function repairs(list) {
    const ol = $('list-repairs');
    ol.replaceChildren();
    for (const r of (list || []).slice(-8).reverse()) {
      const li = document.createElement('li');
      li.textContent = `${new Date(num(r.at)).toLocaleTimeString()} ${r.protocol || '?'} repaired in ${millis(r.ttrMs)}`;
      ol.appendChild(li);
    }
    if (!ol.firstChild) {
      const li = document.createElement('li');
      li.className = 'empty';
      li.textContent = 'no repairs yet';
      ol.appendChild(li);
    }
  }

  function render(s) {
    const d = s.devices || {}, c = s.connects || {}, r = s.relay || {}, m = s.mappings || {}, t = s.transfer || {};
    const sh = s.sharing || {}, setup = s.setupMs || {};
    tile('tile-uptime', s.uptimeSeconds, duration);
    tile('tile-jvm-heap', (s.jvm || {}).heapUsedBytes, bytes);
    tile('tile-devices-online', d.online);
    tile('tile-devices-registered', d.registered);
    tile('tile-stun-requests', (s.stun || {}).requests);
    peerlinkCharts.bars($('chart-nat'), entries(s.nat), 'no device online');
    ['requested', 'accepted', 'rejected', 'failed'].forEach(k => tile('tile-connects-' + k, c[k]));
    peerlinkCharts.bars($('chart-paths'), entries(s.paths), 'no path reported yet');
    tile('tile-relay-share', r.share, percent);
    tile('tile-relay-allocations', r.allocations);
    tile('tile-relay-bytes', r.bytes, bytes);
    tile('tile-setup-count', setup.count);
    tile('tile-setup-mean', setup.count ? num(setup.sum) / setup.count : 0, v => (setup.count ? millis(v) : '–'));
    peerlinkCharts.histogram($('chart-setup'), setup.buckets, num(setup.count));
    ['monitored', 'healthy', 'broken', 'repaired'].forEach(k => tile('tile-mappings-' + k, m[k]));
    repairs(m.recentRepairs);
    tile('tile-dedup-ratio', t.dedupRatio, percent);
    tile('tile-transfer-offers', t.offers);
    tile('tile-bytes-saved', t.bytesSaved, bytes);
    tile('tile-hits-private', (t.hits || {}).private);
    tile('tile-hits-central', (t.hits || {}).central);
    tile('tile-sharing-providers', sh.providers);
    tile('tile-sharing-finds', sh.finds);
    tile('tile-sharing-qos-reports', sh.qosReports);
    $('updated').textContent = new Date(num(s.serverTime) || Date.now()).toLocaleTimeString();
    state.summary = s;
    state.updates++;
    maybeRefreshMap(sh);
  }

  function setTransport(t, text) {
    state.transport = t;
    const e = $('status');
    e.dataset.transport = t;
    e.textContent = text;
  }

  // --- the QoS map: reloaded when providers or QoS reports change, and every MAP_PERIOD_MS as predictions age ---
  let drawMap = null, mapKey = null, mapLoading = false, lastMapLoad = 0;

  function maybeRefreshMap(sharing) {
    const key = `${num(sharing.providers)}/${num(sharing.qosReports)}/${Math.floor(Date.now() / MAP_PERIOD_MS)}`;
    if (key === mapKey || mapLoading || (mapKey !== null && Date.now() - lastMapLoad < MAP_REFRESH_MS)) return;
    mapLoading = true;
    fetch('/api/qos', { cache: 'no-store' })
      .then(res => { if (!res.ok) throw new Error('HTTP ' + res.status); return res.json(); })
      .then(fc => {
        drawMap(fc);
        mapKey = key;
        state.mapLoads++;
        $('map-note').textContent = sharing.enabled === false ? '(sharing is off on this server)'
          : `(${state.map.cells} cells, ${state.map.providers} providers)`;
      })
      .catch(e => { $('map-note').textContent = '(map unavailable: ' + e.message + ')'; })
      .finally(() => { mapLoading = false; lastMapLoad = Date.now(); });
  }

  // --- transport: SSE first, polling as the fallback ---
  function poll() {
    fetch('/api/summary', { cache: 'no-store' })
      .then(res => { if (!res.ok) throw new Error('HTTP ' + res.status); return res.json(); })
      .then(s => { setTransport('polling', 'polling'); render(s); })
      .catch(() => setTransport('down', 'server unreachable'))
      .finally(() => setTimeout(poll, POLL_MS));
  }

  function listen() {
    if (typeof EventSource === 'undefined') { poll(); return; }
    const es = new EventSource('/api/events');
    let got = false;
    const onSummary = e => {
      got = true;
      setTransport('sse', 'live');
      try { render(JSON.parse(e.data)); } catch (err) { /* a malformed event: wait for the next one */ }
    };
    es.onmessage = onSummary;
    es.addEventListener('summary', onSummary);
    es.onerror = () => {
      // The browser retries a dropped stream by itself; one that never delivered (or was refused) means polling.
      if (!got || es.readyState === EventSource.CLOSED) {
        es.close();
        poll();
      } else {
        setTransport('connecting', 'reconnecting…');
      }
    };
  }

  // the scripts load at the end of the body, so every element above is there
  drawMap = peerlinkQosMap.create($('map'), state.map);
  listen();
})();
