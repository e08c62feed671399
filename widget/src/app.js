// The chat panel, loaded by the loader on the first open or when the page is idle. It keeps the
// conversation (localStorage, written only once the shopper has opened the panel), sends what
// the shopper types or taps, renders the reply blocks, and explains failures without losing
// anything the shopper typed. It decides nothing about jewelry, orders or tickets: the API does.

import css from './styles.css';
import * as t from './strings/en.js';
import { h, icon, icons } from './dom.js';
import { request } from './api.js';
import { renderBlocks, paintShortlist, summary } from './render.js';
import { uid } from './uid.js';

/** @typedef {import('./api.js').Result} Result */
/** @typedef {{ bucket?: string, visitor?: string, conversation?: string, draft?: string }} Saved */

const STATE = 'aurora-concierge';
const BUCKET = 'aurora-concierge:bucket';
/** Widths and heights at which the panel takes the whole screen. */
const FULL_SCREEN = '(max-width: 479px), (max-height: 500px)';

const ns = window.AuroraConcierge;
if (ns && !ns.app) ns.app = createApp(ns);

/** @param {AuroraNamespace} ns @returns {AuroraApp} */
function createApp(ns) {
  const config = ns.config;
  /** @type {Saved} */
  let saved = {};
  try {
    saved = JSON.parse(localStorage.getItem(STATE) || '{}') || {};
  } catch {
    // Unreadable: start afresh.
  }
  const persist = () => {
    try {
      localStorage.setItem(STATE, JSON.stringify(saved));
    } catch {
      // Storage full or off: the conversation lasts as long as the page.
    }
  };

  let built = false;
  let isOpen = false;
  let started = false;
  let busy = false;
  let paused = false;
  /** The message being sent, with its key: a retry of the same message reuses the key. */
  /** @type {{ key: string, json: string } | null} */
  let pending = null;
  /** @type {Map<string, string>} */
  const labels = new Map();
  /** @type {Set<string>} */
  const shortlist = new Set();

  const status = h('div', { class: 'vh', role: 'status' });
  const log = h('div', { class: 'log', role: 'region', tabindex: '0', 'aria-label': t.conversation });
  const typing = h('div', { class: 'typing', hidden: true, 'aria-hidden': 'true' }, h('span'), h('span'), h('span'));
  const banner = h('div', { class: 'banner', role: 'alert' });
  const input = h('textarea', {
    id: 'ac-input', class: 'input', rows: 1, maxlength: 2000, placeholder: t.placeholder,
    autocomplete: 'off', enterkeyhint: 'send',
  });
  const sendButton = h('button', { type: 'submit', class: 'send', 'aria-label': t.send }, icon(icons.send));
  const composer = h('form', { class: 'composer', novalidate: true }, h('label', { for: 'ac-input', class: 'vh' }, t.messageLabel), input, sendButton);
  const panel = h(
    'div',
    { class: 'panel', id: 'ac-panel', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'ac-title', 'aria-describedby': 'ac-sub', lang: t.locale, hidden: true },
    h(
      'div',
      { class: 'head' },
      h('div', { class: 'titles' }, h('h2', { id: 'ac-title' }, t.title), h('p', { id: 'ac-sub' }, t.subtitle)),
      h('button', { type: 'button', class: 'text-btn', onclick: () => end() }, t.endChat),
      h('button', { type: 'button', class: 'icon-btn', 'aria-label': t.close, onclick: () => close() }, icon(icons.close)),
    ),
    log,
    typing,
    banner,
    composer,
    status,
  );

  /** @type {import('./render.js').Ctx} */
  const ctx = {
    api: config.api,
    send: (body, label) => void send(body, label),
    submit,
    toggleShortlist: (product) => void toggleShortlist(product),
    shortlisted: (id) => shortlist.has(id),
    details: async (id) => {
      ns.track('details');
      const r = await request(config, 'GET', `/api/support/products/${encodeURIComponent(id)}`);
      return r.ok ? r.data : null;
    },
    remember: (action, label) => labels.set(action, label),
  };

  const conversationPath = () => `/api/support/conversations/${encodeURIComponent(saved.conversation || '')}`;

  function build() {
    built = true;
    ns.adopt(css);
    ns.root.append(panel);
    ns.launcher.setAttribute('aria-controls', 'ac-panel');
    input.value = saved.draft || '';
    composer.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text || busy || paused) return;
      input.value = '';
      grow();
      void send({ text }, text);
    });
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        composer.requestSubmit();
      }
    });
    input.addEventListener('input', () => {
      saved.draft = input.value;
      persist();
      grow();
    });
    panel.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        close();
      } else if (event.key === 'Tab') {
        trap(event);
      }
    });
    const viewport = window.visualViewport;
    if (viewport) {
      viewport.addEventListener('resize', fit);
      viewport.addEventListener('scroll', fit);
    }
  }

  /** Tab and Shift+Tab cycle inside the open panel. @param {KeyboardEvent} event */
  function trap(event) {
    const items = [...panel.querySelectorAll('a[href], button, input, select, textarea, [tabindex="0"]')].filter(
      (el) => !el.hasAttribute('disabled') && el.getClientRects().length > 0,
    );
    if (!items.length) return;
    const first = /** @type {HTMLElement} */ (items[0]);
    const last = /** @type {HTMLElement} */ (items[items.length - 1]);
    const active = ns.root.activeElement;
    const inside = !!active && panel.contains(active);
    if (event.shiftKey && (active === first || !inside)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !inside)) {
      event.preventDefault();
      first.focus();
    }
  }

  /** With the on-screen keyboard open, the full-screen panel fits what is left of the screen. */
  function fit() {
    const viewport = window.visualViewport;
    const full = isOpen && viewport && matchMedia(FULL_SCREEN).matches;
    panel.style.height = full && viewport ? `${viewport.height}px` : '';
    panel.style.top = full && viewport ? `${viewport.offsetTop}px` : '';
  }

  function grow() {
    input.style.height = '';
    input.style.height = `${Math.min(input.scrollHeight + 2, 128)}px`;
  }

  function open() {
    if (!built) build();
    if (isOpen) return;
    isOpen = true;
    panel.hidden = false;
    ns.launcher.setAttribute('aria-expanded', 'true');
    // The first open is the shopper's consent to keep the conversation: the bucketing id moves
    // from sessionStorage to localStorage, next to the visitor token.
    if (config.own && !saved.bucket) saved.bucket = config.bucket;
    persist();
    try {
      sessionStorage.removeItem(BUCKET);
    } catch {
      // Nothing to move.
    }
    fit();
    grow();
    input.focus();
    ns.track('open');
    if (!started) {
      started = true;
      void resume();
    }
  }

  function close() {
    if (!isOpen) return;
    isOpen = false;
    panel.hidden = true;
    ns.launcher.setAttribute('aria-expanded', 'false');
    ns.launcher.focus();
    ns.track('close');
  }

  /** @param {boolean} on @param {string} [words] what to announce */
  function setBusy(on, words) {
    busy = on;
    const locked = on || paused;
    input.readOnly = locked;
    input.setAttribute('aria-disabled', String(locked));
    sendButton.setAttribute('aria-disabled', String(locked));
    typing.hidden = !on;
    log.setAttribute('aria-busy', String(on));
    if (on && words) announce(words);
  }

  /** @param {string} words */
  function announce(words) {
    status.textContent = '';
    setTimeout(() => (status.textContent = words), 60);
  }

  /** Shows `el` from its top (a long reply is read from its start), with what the shopper said. @param {HTMLElement} el */
  function reveal(el) {
    const before = el.previousElementSibling;
    const top = before instanceof HTMLElement && before.classList.contains('me') ? before : el;
    log.scrollTop = top.offsetTop - 12;
  }

  /** @param {string} label @param {boolean} [quiet] */
  function me(label, quiet) {
    const msg = h('div', { class: 'msg me' }, h('p', { class: 'bubble' }, h('span', { class: 'vh' }, t.you, ' '), label));
    log.append(msg);
    if (!quiet) reveal(msg);
    return msg;
  }

  /** @param {Block[]} blocks @param {boolean} live @param {boolean} [quiet] */
  function bot(blocks, live, quiet) {
    const msg = h('div', { class: 'msg bot' }, h('span', { class: 'vh' }, t.concierge), renderBlocks(blocks, ctx, live));
    log.append(msg);
    if (!quiet) {
      reveal(msg);
      announce(summary(blocks));
    }
    return msg;
  }

  /** @param {boolean} visitorToo */
  function forget(visitorToo) {
    delete saved.conversation;
    if (visitorToo) delete saved.visitor;
    persist();
  }

  async function resume() {
    if (saved.conversation && saved.visitor) {
      setBusy(true, t.loadingHistory);
      const r = await request(config, 'GET', conversationPath(), { visitor: saved.visitor });
      setBusy(false);
      if (r.ok) {
        history(r.data);
        void loadShortlist();
        return;
      }
      if (r.kind === 'unauthorized' || r.kind === 'not_found') forget(r.kind === 'unauthorized');
      else return fail(r, resume);
    }
    await begin();
  }

  /** @param {{ messages?: { role: string, text?: string | null, blocks?: Block[] }[] }} data */
  function history(data) {
    const messages = data.messages || [];
    messages.forEach((m, i) => {
      if (m.role === 'shopper') {
        const action = /^\[(.+)\]$/.exec(m.text || '');
        me(action ? labels.get(action[1]) || t.recorded[action[1]] || action[1] : m.text || '', true);
      } else {
        bot(m.blocks || [], i === messages.length - 1, true);
      }
    });
    log.scrollTop = log.scrollHeight;
    announce(t.restored);
  }

  /** Starts a conversation (the welcome). @param {string} [key] */
  async function begin(key = uid()) {
    setBusy(true);
    const r = await request(config, 'POST', '/api/support/conversations', { body: {}, key, visitor: saved.visitor });
    setBusy(false);
    if (!r.ok) {
      if (r.kind === 'unauthorized' && saved.visitor) {
        forget(true);
        return begin();
      }
      fail(r, () => void begin(key));
      return false;
    }
    saved.conversation = r.data.conversation_id;
    if (r.data.visitor_token) saved.visitor = r.data.visitor_token;
    persist();
    if (log.childElementCount) log.append(h('p', { class: 'divider' }, t.newConversation));
    bot(r.data.blocks || [], true);
    return true;
  }

  /** Sends typed text or a button's action. @param {{ text?: string, action?: string }} body @param {string} label */
  async function send(body, label) {
    if (busy || paused) return;
    clear();
    // A retry of a message that was put back in the input takes it out again.
    if (body.text && input.value.trim() === body.text) {
      input.value = '';
      grow();
    }
    if (!saved.conversation && !(await begin())) {
      if (body.text) keep(body.text);
      return;
    }
    const json = JSON.stringify(body);
    if (!pending || pending.json !== json) pending = { key: uid(), json };
    const bubble = me(label);
    setBusy(true, t.typing);
    let r = await request(config, 'POST', `${conversationPath()}/messages`, { body, key: pending.key, visitor: saved.visitor });
    if (!r.ok && (r.kind === 'ended' || r.kind === 'unauthorized' || r.kind === 'not_found')) {
      // The conversation is over (ended, expired, or the token is no longer valid): carry the
      // message over to a new one, once.
      forget(r.kind === 'unauthorized');
      setBusy(false);
      if (await begin()) {
        log.append(bubble);
        reveal(bubble);
        pending = { key: uid(), json };
        setBusy(true, t.typing);
        r = await request(config, 'POST', `${conversationPath()}/messages`, { body, key: pending.key, visitor: saved.visitor });
      }
    }
    setBusy(false);
    if (r.ok) {
      pending = null;
      if (body.text) {
        saved.draft = input.value;
        persist();
      }
      bot(r.data.blocks || [], true);
      return;
    }
    bubble.remove();
    if (body.text) keep(body.text);
    fail(r, () => void send(body, label));
  }

  /** Puts unsent text back in the input (unless the shopper already typed something new). @param {string} text */
  function keep(text) {
    if (!input.value.trim()) input.value = text;
    saved.draft = input.value;
    persist();
    grow();
  }

  /**
   * Posts a form to its endpoint with the conversation; on success shows what was sent and the
   * answer. Field problems are the form's to show; anything else is explained here.
   * @type {import('./render.js').Ctx['submit']}
   */
  async function submit(endpoint, values, key, label, retry) {
    if (!/^\/api\/support\/[a-z_/-]+$/.test(endpoint)) {
      return { ok: false, status: 0, kind: 'invalid', problem: { detail: t.failed }, retryAfter: 0 };
    }
    if (busy || paused) return { ok: false, status: 0, kind: 'server', problem: {}, retryAfter: 0 };
    clear();
    setBusy(true, t.sending);
    const r = await request(config, 'POST', endpoint, { body: { ...values, conversation_id: saved.conversation }, key, visitor: saved.visitor });
    setBusy(false);
    if (r.ok) {
      me(label);
      bot(r.data.blocks || [], true);
      input.focus();
    } else if (r.kind !== 'invalid' && r.kind !== 'conflict') {
      fail(r, retry);
    }
    return r;
  }

  async function end() {
    if (busy || paused || !saved.conversation) return;
    const key = uid();
    const go = async () => {
      setBusy(true);
      const r = await request(config, 'POST', `${conversationPath()}/end`, { body: {}, key, visitor: saved.visitor });
      setBusy(false);
      if (r.ok) bot(r.data.blocks || [], true);
      else if (r.kind === 'not_found' || r.kind === 'unauthorized') forget(r.kind === 'unauthorized');
      else fail(r, () => void go());
    };
    await go();
  }

  async function loadShortlist() {
    if (!saved.visitor) return;
    const r = await request(config, 'GET', '/api/support/shortlist', { visitor: saved.visitor });
    if (r.ok) mark(r.data.products);
  }

  /** @param {{ id: string }[] | undefined} products */
  function mark(products) {
    shortlist.clear();
    for (const p of products || []) shortlist.add(p.id);
    for (const button of log.querySelectorAll('[data-sl]')) {
      paintShortlist(/** @type {HTMLElement} */ (button), shortlist.has(button.getAttribute('data-sl') || ''));
    }
  }

  /** @param {ProductCard} product @param {string} [key] */
  async function toggleShortlist(product, key = uid()) {
    if (!saved.visitor) return;
    const on = shortlist.has(product.id);
    const r = on
      ? await request(config, 'DELETE', `/api/support/shortlist/${encodeURIComponent(product.id)}`, { visitor: saved.visitor })
      : await request(config, 'POST', '/api/support/shortlist', { body: { product_id: product.id }, key, visitor: saved.visitor });
    if (r.ok) {
      if (!on) ns.track('shortlist');
      mark(r.data.products);
      announce(on ? t.removedFromShortlist(product.title) : t.addedToShortlist(product.title));
    } else if (on && r.kind === 'not_found') {
      shortlist.delete(product.id);
      mark([...shortlist].map((id) => ({ id })));
    } else {
      fail(r, () => void toggleShortlist(product, key));
    }
  }

  function clear() {
    banner.replaceChildren();
  }

  /** Explains a failure; a retry repeats the same request (same Idempotency-Key). @param {Result} r @param {() => void} retry */
  function fail(r, retry) {
    if (r.ok) return;
    if (r.kind === 'disabled') return pause(r.problem);
    if (r.kind === 'unauthorized') {
      // The visitor token is no longer accepted: start over, then let the shopper retry.
      forget(true);
      void begin();
    }
    const words =
      r.kind === 'offline' ? t.offline
      : r.kind === 'rate_limited' ? t.rateLimited(r.retryAfter)
      : r.kind === 'in_progress' ? t.inProgress(r.retryAfter)
      : r.kind === 'network' || r.kind === 'server' ? t.unreachable
      : r.problem.detail || t.failed;
    const again = h('button', { type: 'button', class: 'chip', onclick: () => { clear(); retry(); } }, t.retry);
    if ((r.kind === 'rate_limited' || r.kind === 'in_progress') && r.retryAfter > 0) {
      again.disabled = true;
      setTimeout(() => (again.disabled = false), r.retryAfter * 1000);
    }
    banner.replaceChildren(icon(icons.alert), h('p', null, words), again);
  }

  /** The kill switch: the concierge is paused. A notice with the store's contact, no retry. @param {import('./api.js').Problem} problem */
  function pause(problem) {
    paused = true;
    setBusy(false);
    clear();
    // The server's words name the store's contact; without them, the page's data-contact.
    const text = problem.detail || [t.paused, config.contact ? t.reachUs(config.contact) : ''].filter(Boolean).join(' ');
    bot([{ type: 'notice', level: 'info', text }], true);
  }

  return {
    open,
    close,
    get isOpen() {
      return isOpen;
    },
  };
}
