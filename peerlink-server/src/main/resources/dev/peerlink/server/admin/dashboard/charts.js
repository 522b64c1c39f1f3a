// Small SVG charts for the dashboard tiles: labelled horizontal bars and a histogram. No library needed.
(function () {
  'use strict';
  const NS = 'http://www.w3.org/2000/svg';

  function el(name, attrs, text) {
    const e = document.createElementNS(NS, name);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function clear(svg) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
  }

  function empty(svg, text) {
    // the drawing's own width, so the note keeps the page's font size however wide the tile is
    svg.setAttribute('viewBox', `0 0 ${svg.clientWidth || 240} 24`);
    svg.appendChild(el('text', { x: 0, y: 15, class: 'empty' }, text));
  }

  /** One bar per [label, value]; each value also sits in data-value on its bar for tests and tooltips. */
  function bars(svg, entries, emptyText) {
    clear(svg);
    const shown = entries.filter(e => e[1] > 0);
    if (shown.length === 0) { empty(svg, emptyText || 'nothing yet'); return; }
    const rowH = 18, labelW = 124, width = 260, numW = 36;
    const max = Math.max(...shown.map(e => e[1]));
    svg.setAttribute('viewBox', `0 0 ${width} ${shown.length * rowH}`);
    shown.forEach(([label, value], i) => {
      const y = i * rowH;
      const w = Math.max(1, (width - labelW - numW) * value / max);
      svg.appendChild(el('text', { x: 0, y: y + 13 }, label));
      const bar = el('rect', { class: 'bar', x: labelW, y: y + 3, width: w, height: rowH - 6, rx: 2, 'data-label': label,
                               'data-value': value });
      bar.appendChild(el('title', {}, `${label}: ${value}`));
      svg.appendChild(bar);
      svg.appendChild(el('text', { x: labelW + w + 4, y: y + 13 }, String(value)));
    });
  }

  /**
   * Per-bucket counts from [[le, count], ...]: Prometheus-style cumulative buckets are turned into differences; buckets
   * that already sum to the total are taken as they are (for a single non-empty bucket both readings agree).
   */
  function perBucket(buckets, total) {
    const counts = buckets.map(b => Number(b[1]));
    const sum = counts.reduce((a, b) => a + b, 0);
    if (sum === total) return counts;
    return counts.map((c, i) => i === 0 ? c : Math.max(0, c - counts[i - 1]));
  }

  function leLabel(le) {
    const v = Number(le);
    if (!isFinite(v)) return '∞';
    if (v >= 60000) return +(v / 60000).toFixed(1) + 'm';
    return v >= 1000 ? +(v / 1000).toFixed(1) + 's' : +v.toFixed(0) + 'ms';
  }

  function histogram(svg, buckets, total) {
    clear(svg);
    if (!buckets || buckets.length === 0 || !total) { empty(svg, 'no connection set up yet'); return; }
    const counts = perBucket(buckets, total);
    const width = 520, height = 120, base = 100, gap = 2;
    const w = width / counts.length;
    const max = Math.max(1, ...counts);
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    svg.appendChild(el('line', { class: 'axis', x1: 0, y1: base, x2: width, y2: base }));
    counts.forEach((c, i) => {
      const h = (base - 14) * c / max;
      const bar = el('rect', { class: 'bar', x: i * w + gap, y: base - h, width: w - 2 * gap, height: h,
                               'data-le': String(buckets[i][0]), 'data-value': c });
      bar.appendChild(el('title', {}, `≤ ${leLabel(buckets[i][0])}: ${c}`));
      svg.appendChild(bar);
      if (c > 0) svg.appendChild(el('text', { x: i * w + w / 2, y: base - h - 3, 'text-anchor': 'middle' }, String(c)));
      svg.appendChild(el('text', { x: i * w + w / 2, y: base + 14, 'text-anchor': 'middle' }, leLabel(buckets[i][0])));
    });
  }

  window.peerlinkCharts = { bars, histogram, perBucket };
})();
