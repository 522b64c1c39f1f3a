// peerlink cast receiver page: shows the pairing QR while waiting, then plays /live.flv (HTTP-FLV, H.264) with
// WebCodecs. No jitter buffer on purpose: each decoded frame is drawn at once, and when the decoder falls behind,
// delta frames are dropped until the next key frame (live means low latency).
'use strict';

(() => {
  /** Decoder queue length beyond which delta frames are dropped until the next key frame. */
  const MAX_DECODE_QUEUE = 3;
  const $ = (id) => document.getElementById(id);

  // Read by tests (Selenium) and handy in the devtools console.
  const stats = window.peerlinkPlayer = {
    state: 'waiting', codec: null, received: 0, decoded: 0, dropped: 0, fps: 0, lagMs: null, decodeMs: null,
    width: 0, height: 0, error: null,
  };

  function showError(message) {
    stats.error = message;
    $('error').textContent = message;
    $('error').hidden = false;
  }

  function clearError() {
    stats.error = null;
    $('error').hidden = true;
  }

  /** Incremental FLV demux: push() byte chunks as they arrive, get onTag(type, timestampMs, body) per whole tag. */
  class FlvDemuxer {
    constructor(onTag) {
      this.onTag = onTag;
      this.buf = new Uint8Array(64 * 1024);
      this.start = 0; // first unread byte
      this.end = 0; // one past the last written byte
      this.headerDone = false;
    }

    push(chunk) {
      this.append(chunk);
      const b = this.buf;
      if (!this.headerDone) {
        if (this.end - this.start < 13) return;
        const s = this.start;
        if (b[s] !== 0x46 || b[s + 1] !== 0x4c || b[s + 2] !== 0x56) throw new Error('the stream is not FLV');
        const dataOffset = ((b[s + 5] << 24) | (b[s + 6] << 16) | (b[s + 7] << 8) | b[s + 8]) >>> 0;
        this.start += dataOffset + 4; // header, then PreviousTagSize0
        this.headerDone = true;
      }
      while (this.end - this.start >= 15) {
        const s = this.start;
        const size = (b[s + 1] << 16) | (b[s + 2] << 8) | b[s + 3];
        if (this.end - s < 15 + size) break;
        const ts = ((b[s + 7] << 24) | (b[s + 4] << 16) | (b[s + 5] << 8) | b[s + 6]) >>> 0;
        this.start += 15 + size; // before the callback, so an exception in it cannot replay the tag
        this.onTag(b[s] & 0x1f, ts, b.subarray(s + 11, s + 11 + size));
      }
    }

    append(chunk) {
      const unread = this.end - this.start;
      if (this.end + chunk.length > this.buf.length) {
        // compact, and grow (doubling) only when a tag is bigger than the buffer
        let size = this.buf.length;
        while (size < unread + chunk.length) size *= 2;
        if (size === this.buf.length) {
          this.buf.copyWithin(0, this.start, this.end);
        } else {
          const next = new Uint8Array(size);
          next.set(this.buf.subarray(this.start, this.end));
          this.buf = next;
        }
        this.start = 0;
        this.end = unread;
      }
      this.buf.set(chunk, this.end);
      this.end += chunk.length;
    }
  }

  /** H.264 in FLV video tags → VideoDecoder → canvas. */
  class AvcPlayer {
    constructor(canvas) {
      this.canvas = canvas;
      this.ctx = canvas.getContext('2d');
      this.decoder = null;
      this.waitKey = true;
      this.arrival = new Map(); // chunk timestamp (µs) → performance.now() when its tag arrived
      this.bestGap = Infinity; // smallest (arrival time − tag timestamp) seen: the stream's clock offset
    }

    onTag(type, ts, body) {
      if (type !== 9 || body.length < 2) return; // audio and script data are not played
      const codecId = body[0] & 0x0f;
      if (codecId !== 7) {
        showError('The stream is not H.264 (FLV video codec id ' + codecId + '); this page plays H.264 only.');
        return;
      }
      if (body[1] === 0) {
        this.configure(body.slice(5));
      } else if (body[1] === 1 && body.length > 5) {
        const cts = ((body[2] << 16) | (body[3] << 8) | body[4]) << 8 >> 8; // signed 24-bit composition offset
        this.frame((body[0] >> 4) === 1, ts, ts + cts, body.subarray(5));
      }
    }

    configure(record) {
      // codec string avc1.PPCCLL from the AVCDecoderConfigurationRecord: profile, constraint flags, level
      const hex = (v) => v.toString(16).padStart(2, '0');
      const codec = 'avc1.' + hex(record[1]) + hex(record[2]) + hex(record[3]);
      this.close();
      stats.codec = codec;
      this.decoder = new VideoDecoder({
        output: (frame) => this.draw(frame),
        error: (e) => {
          const unsupported = e.name === 'NotSupportedError';
          showError(unsupported
            ? 'This browser cannot decode ' + codec + ' with WebCodecs (' + e.message + ').'
            : 'Video decoding failed: ' + e.message + ' — restarting at the next key frame.');
          this.decoder = null; // closed by the error
          if (unsupported) this.record = null; // no point retrying until a new sequence header
        },
      });
      this.record = record;
      this.decoder.configure({ codec, description: record, optimizeForLatency: true });
      this.waitKey = true;
      this.warm = false;
    }

    frame(key, dts, pts, data) {
      stats.received++;
      const now = performance.now();
      // lag: how much later than its best this tag came; grows when the network or the sender falls behind
      this.bestGap = Math.min(this.bestGap, now - dts);
      stats.lagMs = Math.round(now - dts - this.bestGap);
      if (!this.decoder && key && this.record) this.configure(this.record); // after a decode error
      const d = this.decoder;
      if (!d || d.state !== 'configured') return;
      // the queue check waits for the first output: a fresh decoder holds a few frames while it starts up
      if (!key && (this.waitKey || (this.warm && d.decodeQueueSize > MAX_DECODE_QUEUE))) {
        this.waitKey = true;
        stats.dropped++;
        return;
      }
      this.waitKey = false;
      const timestamp = pts * 1000;
      this.arrival.set(timestamp, now);
      d.decode(new EncodedVideoChunk({ type: key ? 'key' : 'delta', timestamp, data }));
    }

    draw(frame) {
      const w = frame.displayWidth, h = frame.displayHeight;
      if (this.canvas.width !== w || this.canvas.height !== h) {
        this.canvas.width = w;
        this.canvas.height = h;
      }
      stats.width = w;
      stats.height = h;
      this.ctx.drawImage(frame, 0, 0, w, h);
      const arrived = this.arrival.get(frame.timestamp);
      if (arrived !== undefined) {
        stats.decodeMs = Math.round(performance.now() - arrived);
        this.arrival.delete(frame.timestamp);
      }
      if (this.arrival.size > 300) this.arrival.clear(); // frames the decoder dropped never come back
      frame.close();
      this.warm = true;
      stats.decoded++;
      if (stats.decoded === 1) clearError();
    }

    close() {
      if (this.decoder && this.decoder.state !== 'closed') this.decoder.close();
      this.decoder = null;
      this.record = null;
      this.arrival.clear();
      this.bestGap = Infinity;
    }
  }

  /** Fetches /live.flv while the status says live; reconnects after a second if the stream breaks. */
  class LiveStream {
    constructor(player) {
      this.player = player;
      this.abort = null;
      this.wanted = false;
    }

    want(on) {
      this.wanted = on;
      if (on && !this.abort) this.run();
      if (!on && this.abort) this.abort.abort();
    }

    async run() {
      const abort = this.abort = new AbortController();
      try {
        const res = await fetch('/live.flv', { cache: 'no-store', signal: abort.signal });
        if (!res.ok) throw new Error('HTTP ' + res.status);
        const demux = new FlvDemuxer((type, ts, body) => this.player.onTag(type, ts, body));
        const reader = res.body.getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          demux.push(value);
        }
      } catch (e) {
        if (!abort.signal.aborted) console.warn('live stream broke:', e);
      } finally {
        this.abort = null;
        this.player.close();
        if (this.wanted) setTimeout(() => this.wanted && !this.abort && this.run(), 1000);
      }
    }
  }

  function webCodecsProblem() {
    if ('VideoDecoder' in window) return null;
    if (!window.isSecureContext) {
      return 'This page was opened over plain HTTP from another machine, which browsers do not treat as a secure '
        + 'context, so WebCodecs (VideoDecoder) is hidden. Open it on the receiver itself as http://127.0.0.1:PORT/, '
        + 'or through an SSH tunnel (ssh -L PORT:127.0.0.1:PORT receiver), or play the RTMP re-serve '
        + '(peerlink cast receive --rtmp) in VLC or ffplay.';
    }
    return 'This browser has no WebCodecs VideoDecoder (Chrome/Edge 94+, Safari 16.4+, Firefox 130+ have it).';
  }

  const player = new AvcPlayer($('video'));
  const live = new LiveStream(player);
  const problem = webCodecsProblem();
  if (problem) showError(problem);
  let qrKey = null;

  function apply(s) {
    stats.state = s.state;
    document.body.dataset.state = s.state;
    const isLive = s.state === 'live';
    $('waiting').hidden = isLive;
    $('live').hidden = !isLive;
    $('status').textContent = isLive ? 'Live' : 'Waiting for the sender — scan the code with the phone';
    $('path').textContent = isLive && s.path ? 'path: ' + s.path : '';
    $('code').textContent = s.pairing || '';
    $('code').hidden = !s.pairing;
    const key = s.qr ? String(s.pairing) : null;
    if (key !== qrKey) {
      qrKey = key;
      // a new pairing code means a new image: bust any cache, and hide the old one meanwhile
      if (key !== null) $('qr').src = '/qr.png?for=' + encodeURIComponent(key);
      $('qr').hidden = key === null;
    }
    if (!problem) live.want(isLive);
  }

  const events = new EventSource('/events');
  events.addEventListener('status', (e) => apply(JSON.parse(e.data)));
  events.onerror = () => { $('status').textContent = 'Lost the receiver; retrying…'; };

  let lastDecoded = 0, lastTime = performance.now();
  setInterval(() => {
    const now = performance.now();
    stats.fps = Math.round((stats.decoded - lastDecoded) * 10000 / (now - lastTime)) / 10;
    lastDecoded = stats.decoded;
    lastTime = now;
    $('counters').textContent = stats.state !== 'live' ? ''
      : stats.fps + ' fps · lag ' + (stats.lagMs ?? '–') + ' ms · decode ' + (stats.decodeMs ?? '–') + ' ms · '
        + stats.decoded + ' frames' + (stats.dropped ? ' · ' + stats.dropped + ' dropped' : '');
  }, 1000);
})();
