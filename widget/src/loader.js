// The loader: the one script a store puts on its pages. It asks whether the widget is on for
// this visitor, draws the launcher in a shadow root, reports load/open/close events, and loads
// the app (widget-app.js) on the first open or when the page is idle. Budget: 3 KB gzipped.
//
// Privacy: before the shopper opens the panel it writes nothing but one random bucketing id to
// sessionStorage (none at all when the store passes `data-visitor-id`). The app moves that id
// to localStorage on the first open.

import { themeColors } from './theme.js';
import { uid } from './uid.js';
import { openChat } from './strings/en.js';

const NAME = 'AuroraConcierge';
/** localStorage, written by the app only after the first open. */
const STATE = 'aurora-concierge';
/** sessionStorage: the bucketing id before the first open. */
const BUCKET = 'aurora-concierge:bucket';

const w = window;
const d = document;

/** @param {'localStorage' | 'sessionStorage'} area @param {string} key */
function read(area, key) {
  try {
    return w[area].getItem(key);
  } catch {
    return null;
  }
}

/** @param {string} name @param {string} path @returns {SVGSVGElement} */
function icon(name, path) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = /** @type {SVGSVGElement} */ (d.createElementNS(ns, 'svg'));
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', name);
  const p = d.createElementNS(ns, 'path');
  p.setAttribute('d', path);
  svg.append(p);
  return svg;
}

function start() {
  const script = /** @type {HTMLScriptElement | null} */ (
    d.currentScript || d.querySelector('script[src*="widget.js"]')
  );
  if (!script) return;
  const data = script.dataset;
  const api = (data.apiOrigin || new URL(script.src, location.href).origin).replace(/\/+$/, '');
  /** @type {{ bucket?: string, conversation?: string }} */
  let saved = {};
  try {
    saved = JSON.parse(read('localStorage', STATE) || '{}') || {};
  } catch {
    // A corrupt entry is as good as none.
  }
  let bucket = data.visitorId || saved.bucket || read('sessionStorage', BUCKET);
  if (!bucket) {
    bucket = uid();
    try {
      sessionStorage.setItem(BUCKET, bucket);
    } catch {
      // Storage off: the id lives as long as the page.
    }
  }

  /** @type {{ type: string }[]} */
  const queue = [];
  /** @type {number | undefined} */
  let timer;
  const flush = () => {
    clearTimeout(timer);
    if (!queue.length) return;
    // A string body is text/plain: a CORS "simple" request, no preflight. Only the event
    // types go: the endpoint counts them, nothing more.
    const body = JSON.stringify({ events: queue.splice(0) });
    try {
      navigator.sendBeacon(api + '/api/support/events', body);
    } catch {
      // Reporting is best effort.
    }
  };
  /** @param {string} type load, open, close, details or shortlist */
  const track = (type) => {
    queue.push({ type });
    clearTimeout(timer);
    timer = w.setTimeout(flush, 5000);
  };
  w.addEventListener('pagehide', flush);
  d.addEventListener('visibilitychange', () => d.visibilityState === 'hidden' && flush());

  /** @type {Promise<AuroraApp> | null} */
  let loading = null;
  const load = () =>
    (loading =
      loading ||
      new Promise((resolve, reject) => {
        const s = d.createElement('script');
        s.src = `${api}/widget-app.js?v=${__APP_VERSION__}`;
        s.async = true;
        s.onload = () => (ns.app ? resolve(ns.app) : reject());
        s.onerror = () => {
          loading = null;
          s.remove();
          reject();
        };
        d.head.append(s);
      }));

  const launcher = d.createElement('button');
  const open = () => {
    launcher.setAttribute('aria-busy', 'true');
    load()
      .then((app) => app.open())
      .catch(() => {})
      .finally(() => launcher.removeAttribute('aria-busy'));
  };

  const ns = /** @type {AuroraNamespace} */ ({
    config: { api, identity: data.identityToken, contact: data.contact, bucket, own: !data.visitorId },
    launcher,
    track,
    open,
    close: () => ns.app && ns.app.close(),
    identify: (token) => {
      ns.config.identity = token;
    },
    adopt: (css) => {
      const root = ns.root;
      try {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(css);
        root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
      } catch {
        // Browsers without constructable stylesheets (the page's CSP may block this one).
        const style = d.createElement('style');
        style.textContent = css;
        root.append(style);
      }
    },
  });
  w[NAME] = ns;

  const draw = () => {
    const colors = themeColors(data.themeColor);
    const left = data.position === 'left';
    const host = d.createElement('aurora-concierge');
    // Inline !important beats any page rule on the host, and `all: initial` stops the page's
    // inherited styles (font, colour, letter-spacing…) at the shadow boundary.
    host.style.cssText =
      'all:initial!important;position:fixed!important;width:0!important;height:0!important;z-index:2147483000!important';
    ns.root = host.attachShadow({ mode: 'open' });
    ns.adopt(
      `:host{--ac-t:${colors.theme}!important;--ac-on:${colors.on}!important;--ac-ink:${colors.ink}!important;` +
        `--ac-l:${left ? '20px' : 'auto'}!important;--ac-r:${left ? 'auto' : '20px'}!important}` +
        '.launcher{all:initial;position:fixed;bottom:20px;left:var(--ac-l);right:var(--ac-r);width:56px;height:56px;' +
        'box-sizing:border-box;border-radius:50%;border:2px solid #fff;background:var(--ac-t);color:var(--ac-on);' +
        'box-shadow:0 4px 16px rgba(0,0,0,.28);cursor:pointer;display:grid;place-items:center}' +
        '.launcher:focus-visible{outline:3px solid var(--ac-ink);outline-offset:3px}' +
        '.launcher svg{width:28px;height:28px;fill:currentColor}' +
        '.launcher[aria-expanded=true] .i1,.launcher:not([aria-expanded=true]) .i2{display:none}' +
        '.launcher[aria-busy=true]{cursor:progress}' +
        '@media (forced-colors:active){.launcher{border-color:ButtonText}}' +
        '@media print{.launcher{display:none}}',
    );
    launcher.type = 'button';
    launcher.className = 'launcher';
    launcher.setAttribute('aria-label', openChat);
    launcher.setAttribute('aria-haspopup', 'dialog');
    launcher.setAttribute('aria-expanded', 'false');
    launcher.append(
      icon('i1', 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2zm3 6a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z'),
      icon('i2', 'M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z'),
    );
    launcher.onclick = () => (ns.app && ns.app.isOpen ? ns.app.close() : open());
    ns.root.append(launcher);
    d.body.append(host);
    const idle = w.requestIdleCallback || ((/** @type {() => void} */ f) => setTimeout(f, 2000));
    idle(() => load().catch(() => {}));
  };

  // A shopper with a conversation keeps the widget whatever the rollout says (if the kill
  // switch is off, the API tells them the concierge is paused); otherwise the flag decides, and
  // anything but an explicit `false` (a 404 from an older server, a network error, a slow
  // answer) means on.
  const flag = saved.conversation
    ? Promise.resolve(true)
    : Promise.race([
        fetch(api + '/ofrep/v1/evaluate/flags/concierge-widget', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ context: { targetingKey: bucket, identityToken: data.identityToken } }),
        }).then((r) => (r.ok ? r.json().then((j) => j.value !== false) : true)),
        new Promise((resolve) => setTimeout(resolve, 3000, true)),
      ]).catch(() => true);
  flag.then((on) => {
    if (!on) return;
    track('load');
    if (d.body) draw();
    else d.addEventListener('DOMContentLoaded', draw);
  });
}

if (!w[NAME]) start();
