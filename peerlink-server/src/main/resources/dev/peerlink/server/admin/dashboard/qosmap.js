// The providers and the QoS map: H3 cell polygons coloured by predicted quality, provider points on top. Leaflet draws
// them (as SVG paths) with an OpenStreetMap base map when the browser reaches the tile server, on a plain background
// when it does not; without Leaflet our own equirectangular SVG draws the same features.
(function () {
  'use strict';
  const TILE_URL = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
  const PROBE_URL = 'https://tile.openstreetmap.org/0/0/0.png';
  const NS = 'http://www.w3.org/2000/svg';

  /** The server's prediction score in [0, 1] (NaN when absent); a cell mostly offline counts as -1. */
  function qualityOf(props) {
    const p = props || {};
    if (p.quality === 'offline') return -1;
    return typeof p.score === 'number' ? Math.max(0, Math.min(1, p.score)) : NaN;
  }

  /** Red (poor) through amber to green (good); slate when offline, grey when nothing is predicted. */
  function colour(q) {
    if (q < 0) return '#4b5261';
    if (isNaN(q)) return '#8a94a3';
    const lerp = (a, b, t) => Math.round(a + (b - a) * t);
    const [from, to, t] = q < 0.5 ? [[214, 69, 69], [232, 178, 58], q * 2] : [[232, 178, 58], [58, 166, 85], (q - 0.5) * 2];
    return `rgb(${lerp(from[0], to[0], t)},${lerp(from[1], to[1], t)},${lerp(from[2], to[2], t)})`;
  }

  const UNITS = { rttMs: ' ms', downMbps: ' Mbit/s', upMbps: ' Mbit/s', lossPct: ' %' };

  function describe(props) {
    const p = props || {};
    if (p.kind === 'provider') return 'provider' + (p.services && p.services.length ? ': ' + p.services.join(', ') : '');
    const lines = [`${p.quality || 'unknown'}${typeof p.score === 'number' ? ' (' + p.score.toFixed(2) + ')' : ''}`];
    for (const k in UNITS) if (typeof p[k] === 'number') lines.push(`${k.replace(/(Ms|Mbps|Pct)$/, '')}: ${p[k].toFixed(1)}${UNITS[k]}`);
    if (typeof p.devices === 'number') lines.push(`${p.devices} devices`);
    return lines.join('<br>');
  }

  const isPoint = f => f.geometry && (f.geometry.type === 'Point' || f.geometry.type === 'MultiPoint');

  /**
   * Whether the tile server answers, asked from a worker: a refused request there fails quietly, where one from the
   * page (or a tile image) would put a network error in the console of every offline browser.
   */
  function probeTiles() {
    return new Promise(resolve => {
      if (!navigator.onLine || typeof Worker === 'undefined') { resolve(false); return; }
      const src = `fetch(${JSON.stringify(PROBE_URL)}, {mode: 'no-cors', cache: 'no-store'})
        .then(() => postMessage(true), () => postMessage(false));`;
      let worker;
      try {
        worker = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
      } catch (e) { resolve(false); return; }
      const timer = setTimeout(() => { worker.terminate(); resolve(false); }, 5000);
      worker.onmessage = e => { clearTimeout(timer); worker.terminate(); resolve(e.data === true); };
      worker.onerror = () => { clearTimeout(timer); worker.terminate(); resolve(false); };
    });
  }

  function leafletMap(div, status) {
    const map = L.map(div, { worldCopyJump: true }).setView([30, 0], 2);
    const layer = L.geoJSON(null, {
      // Leaflet applies style to the provider circles as well: keep theirs
      style: f => isPoint(f) ? {} : { className: 'qos-cell', color: colour(qualityOf(f.properties)), weight: 1, fillOpacity: 0.45 },
      pointToLayer: (f, latlng) => L.circleMarker(latlng, { className: 'provider', radius: 6, color: '#fff', weight: 2,
                                                            fillColor: '#2f6fdb', fillOpacity: 1 }),
      onEachFeature: (f, l) => l.bindTooltip(describe(f.properties))
    }).addTo(map);
    let fitted = false;
    probeTiles().then(online => {
      status.baseMap = online ? 'osm' : 'none';
      if (online) {
        L.tileLayer(TILE_URL, { maxZoom: 19, attribution: '&copy; OpenStreetMap contributors' }).addTo(map);
        layer.bringToFront();
      }
    });
    return fc => {
      layer.clearLayers();
      layer.addData(fc);
      if (!fitted && layer.getLayers().length > 0) {
        map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 14 });
        fitted = true;
      }
    };
  }

  /** Our own map: features projected equirectangularly (longitudes shrunk by cos of the mean latitude) into one SVG. */
  function svgMap(div) {
    const svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('class', 'plain-map');
    div.appendChild(svg);
    return fc => {
      while (svg.firstChild) svg.removeChild(svg.firstChild);
      const rings = [], points = [];
      for (const f of fc.features || []) {
        const g = f.geometry || {};
        if (g.type === 'Polygon') rings.push([f, g.coordinates]);
        else if (g.type === 'MultiPolygon') g.coordinates.forEach(c => rings.push([f, c]));
        else if (g.type === 'Point') points.push([f, g.coordinates]);
      }
      const all = rings.flatMap(([, c]) => c.flat()).concat(points.map(([, c]) => c));
      if (all.length === 0) return;
      const lats = all.map(c => c[1]), lons = all.map(c => c[0]);
      const k = Math.cos((Math.min(...lats) + Math.max(...lats)) / 2 * Math.PI / 180);
      const x0 = Math.min(...lons) * k, y0 = -Math.max(...lats);
      const w = Math.max(1e-6, (Math.max(...lons) - Math.min(...lons)) * k), h = Math.max(1e-6, Math.max(...lats) - Math.min(...lats));
      const W = div.clientWidth || 800, H = div.clientHeight || 400, pad = 20;
      const s = Math.min((W - 2 * pad) / w, (H - 2 * pad) / h);
      const dx = (W - w * s) / 2, dy = (H - h * s) / 2; // centred
      const xy = c => [dx + (c[0] * k - x0) * s, dy + (-c[1] - y0) * s];
      svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
      for (const [f, polygon] of rings) {
        const d = polygon.map(r => 'M' + r.map(c => xy(c).map(v => v.toFixed(1)).join(',')).join('L') + 'Z').join('');
        const p = document.createElementNS(NS, 'path');
        const col = colour(qualityOf(f.properties));
        p.setAttribute('d', d);
        p.setAttribute('class', 'qos-cell');
        p.setAttribute('style', `fill:${col};fill-opacity:.45;stroke:${col}`);
        svg.appendChild(p);
      }
      for (const [, c] of points) {
        const [x, y] = xy(c);
        const dot = document.createElementNS(NS, 'circle');
        Object.entries({ cx: x, cy: y, r: 6, class: 'provider', style: 'fill:#2f6fdb;stroke:#fff;stroke-width:2' })
          .forEach(([a, v]) => dot.setAttribute(a, v));
        svg.appendChild(dot);
      }
    };
  }

  /** Draws into div; returns update(featureCollection). status gets renderer, baseMap, cells and providers. */
  function create(div, status) {
    status.renderer = typeof L !== 'undefined' ? 'leaflet' : 'svg';
    status.baseMap = status.renderer === 'leaflet' ? 'probing' : 'none';
    const draw = status.renderer === 'leaflet' ? leafletMap(div, status) : svgMap(div);
    return fc => {
      const features = (fc && fc.features) || [];
      status.providers = features.filter(isPoint).length;
      status.cells = features.length - status.providers;
      draw(fc);
    };
  }

  window.peerlinkQosMap = { create, qualityOf, colour };
})();
