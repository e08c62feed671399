// The reply blocks as DOM. Server text always goes in as text nodes (see dom.js); the widget
// decides nothing here but how things look: what a block means is the server's business.

import { h, icon, icons, nextId, safeUrl } from './dom.js';
import { renderForm, renderCsat } from './forms.js';
import * as t from './strings/en.js';

/**
 * What rendered blocks can ask of the panel.
 * @typedef {object} Ctx
 * @property {string} api the API origin, which relative catalog URLs are resolved against
 * @property {(body: { text?: string, action?: string }, label: string) => void} send
 * @property {(endpoint: string, values: Values, key: string, label: string, retry: () => void) =>
 *   Promise<import('./api.js').Result>} submit
 * @property {(product: ProductCard) => void} toggleShortlist
 * @property {(id: string) => boolean} shortlisted
 * @property {(id: string) => Promise<{ description?: string, styles?: string[] } | null>} details
 * @property {(action: string, label: string) => void} remember records a button's label, so a
 *   reloaded transcript shows "Rings" rather than "[category:rings]"
 */

/**
 * @param {Block[]} blocks
 * @param {Ctx} ctx
 * @param {boolean} live whether forms and ratings are still to be filled in (false for the
 *   older turns of a restored conversation)
 * @returns {HTMLElement[]}
 */
export function renderBlocks(blocks, ctx, live) {
  /** @type {HTMLElement[]} */
  const out = [];
  for (const block of blocks) {
    const el = renderBlock(block, ctx, live);
    if (el) out.push(el);
  }
  return out;
}

/** @param {Block} block @param {Ctx} ctx @param {boolean} live @returns {HTMLElement | null} */
function renderBlock(block, ctx, live) {
  switch (block.type) {
    case 'text':
      return h('p', { class: 'text' }, block.text);
    case 'notice':
      return h(
        'div',
        { class: `notice notice-${block.level}` },
        icon(block.level === 'info' ? icons.info : icons.alert),
        h('p', null, h('span', { class: 'vh' }, t.notice[block.level] || t.notice.info, ' '), block.text),
      );
    case 'quick_replies':
      return chips(block.replies, ctx);
    case 'answer':
      return h(
        'div',
        { class: 'answer' },
        h('div', { class: 'text' }, prose(block.text)),
        block.source ? h('p', { class: 'muted source' }, t.answerSource(block.source)) : null,
        block.follow_ups && block.follow_ups.length ? chips(block.follow_ups, ctx) : null,
      );
    case 'products':
      return products(block.products, block.total, block.filters, ctx);
    case 'form':
      return live ? renderForm(block, ctx) : h('p', { class: 'closed' }, t.formClosed(block.title));
    case 'csat_prompt':
      return live ? renderCsat(block.question, ctx) : null;
    case 'order_timeline':
      return timeline(block, ctx);
    default:
      // A block type from a newer schema: skipped rather than shown wrong.
      return null;
  }
}

/** Buttons that send their action as the shopper's message. @param {QuickReply[]} replies @param {Ctx} ctx */
function chips(replies, ctx) {
  return h(
    'div',
    { class: 'chips', role: 'group', 'aria-label': t.suggestions },
    replies.map((reply) => {
      ctx.remember(reply.action, reply.label);
      return h('button', { type: 'button', class: 'chip', onclick: () => ctx.send({ action: reply.action }, reply.label) }, reply.label);
    }),
  );
}

/**
 * A store's plain-text answer: paragraphs at blank lines (single line breaks kept by the CSS),
 * and each run of lines starting with "- " as a list. Text nodes only.
 * @param {string} text
 */
function prose(text) {
  /** @type {HTMLElement[]} */
  const out = [];
  /** @type {string[]} */
  let lines = [];
  /** @type {HTMLUListElement | null} */
  let list = null;
  const flush = () => {
    if (lines.length) out.push(h('p', null, lines.join('\n')));
    lines = [];
  };
  for (const line of text.split(/\r?\n/)) {
    const item = /^\s*- (.*)$/.exec(line);
    if (item) {
      flush();
      if (!list) out.push((list = h('ul', null)));
      list.append(h('li', null, item[1]));
    } else {
      list = null;
      if (line.trim()) lines.push(line);
      else flush();
    }
  }
  flush();
  return out;
}

/**
 * @param {ProductCard[]} cards @param {number} total @param {FilterChip[]} filters @param {Ctx} ctx
 */
function products(cards, total, filters, ctx) {
  return h(
    'div',
    { class: 'products' },
    filters.length
      ? h(
          'div',
          { class: 'filters', role: 'group', 'aria-label': t.activeFilters },
          filters.map((filter) => {
            const label = t.removedFilter(filter.label);
            ctx.remember(filter.remove_action, label);
            return h(
              'button',
              { type: 'button', class: 'filter', 'aria-label': t.removeFilter(filter.label), onclick: () => ctx.send({ action: filter.remove_action }, label) },
              filter.label,
              icon(icons.close),
            );
          }),
        )
      : null,
    cards.length ? h('ul', { class: 'cards', 'aria-label': t.productList(cards.length, total) }, cards.map((card) => product(card, ctx))) : null,
  );
}

/** @param {ProductCard} p @param {Ctx} ctx */
function product(p, ctx) {
  const titleId = nextId('p');
  const moreId = nextId('more');
  const more = h('div', { class: 'more', id: moreId, hidden: true });
  /** @type {Promise<void> | null} */
  let loaded = null;
  const toggle = h('button', {
    type: 'button', class: 'link', 'aria-expanded': 'false', 'aria-controls': moreId, 'aria-label': t.detailsOf(p.title),
    onclick: () => {
      const open = toggle.getAttribute('aria-expanded') !== 'true';
      toggle.setAttribute('aria-expanded', String(open));
      more.hidden = !open;
      if (!open || loaded) return;
      more.replaceChildren(h('p', { class: 'muted' }, t.loadingDetails));
      loaded = ctx.details(p.id).then((details) => {
        if (!details) {
          loaded = null;
          more.replaceChildren(h('p', { class: 'muted' }, t.detailsFailed));
          return;
        }
        const href = safeUrl(p.url, ctx.api);
        more.replaceChildren(
          details.description ? h('p', null, details.description) : '',
          details.styles && details.styles.length ? h('p', { class: 'muted' }, t.styles, ' ', details.styles.join(', ')) : '',
          href ? h('a', { href, class: 'view' }, t.viewProduct) : '',
        );
      });
    },
  }, t.details);
  const shortlist = h('button', { type: 'button', class: 'sl', 'data-sl': p.id, 'data-title': p.title, onclick: () => ctx.toggleShortlist(p) });
  paintShortlist(shortlist, ctx.shortlisted(p.id));
  const image = safeUrl(p.image_url, ctx.api);
  return h(
    'li',
    { class: 'card', 'aria-labelledby': titleId },
    image ? h('img', { class: 'thumb', src: image, alt: p.image_alt || p.title, width: 80, height: 80, loading: 'lazy', decoding: 'async' }) : h('span', { class: 'thumb' }),
    h(
      'div',
      { class: 'body' },
      h('h3', { class: 'ptitle', id: titleId }, p.title),
      h('p', { class: 'meta' }, h('span', { class: 'price' }, p.price_formatted), h('span', { 'aria-hidden': 'true' }, ' · '), h('span', { class: 'vh' }, ', '), p.metal_label),
      p.ready_to_ship ? h('p', { class: 'badge' }, icon(icons.check), t.readyToShip) : null,
      h('div', { class: 'actions' }, toggle, shortlist),
    ),
    more,
  );
}

/**
 * Shows whether a product is on the shortlist (on every card of it, wherever it appears).
 * @param {HTMLElement} button @param {boolean} on
 */
export function paintShortlist(button, on) {
  const title = button.dataset.title || '';
  button.classList.toggle('on', on);
  button.setAttribute('aria-label', on ? t.removeShortlistOf(title) : t.addShortlistOf(title));
  button.replaceChildren(icon(on ? icons.check : icons.heart), on ? t.shortlisted : t.addShortlist);
}

/** @param {string} at */
function when(at) {
  const date = new Date(at);
  return isNaN(date.getTime()) ? at : date.toLocaleString(t.locale, { dateStyle: 'medium', timeStyle: 'short' });
}

/** @param {Timeline} order @param {Ctx} ctx */
function timeline(order, ctx) {
  const titleId = nextId('o');
  return h(
    'section',
    { class: 'order', 'aria-labelledby': titleId },
    h('h3', { id: titleId, class: 'order-title' }, t.order(order.order_number), ' ', h('span', { class: 'status' }, order.status_label)),
    h(
      'ol',
      { class: 'timeline' },
      order.events.map((event, i) => {
        const track = safeUrl(event.tracking_url, ctx.api);
        return h(
          'li',
          { class: i === order.events.length - 1 ? 'step current' : 'step', 'aria-current': i === order.events.length - 1 ? 'step' : null },
          h('p', { class: 'step-label' }, event.label),
          h('p', { class: 'muted' }, h('time', { datetime: event.at }, when(event.at))),
          event.carrier || event.tracking_number ? h('p', null, [event.carrier, event.tracking_number].filter(Boolean).join(' · ')) : null,
          event.note ? h('p', null, event.note) : null,
          track ? h('p', null, h('a', { href: track, target: '_blank', rel: 'noopener noreferrer' }, t.trackParcel, h('span', { class: 'vh' }, ' ', t.newTab))) : null,
        );
      }),
    ),
    h('h4', { class: 'items-title' }, t.items),
    h(
      'ul',
      { class: 'items' },
      order.items.map((item) =>
        h('li', null, item.quantity > 1 ? `${item.quantity} × ` : '', item.title,
          [item.ring_size ? t.ringSize(item.ring_size) : '', item.made_to_order ? t.madeToOrder : ''].filter(Boolean).map((x) => `, ${x}`).join('')),
      ),
    ),
  );
}

/** What a screen reader hears when a reply arrives: its words, and what else it brought. @param {Block[]} blocks */
export function summary(blocks) {
  /** @type {string[]} */
  const parts = [];
  for (const block of blocks) {
    if (block.type === 'text' || block.type === 'notice' || block.type === 'answer') parts.push(block.text);
    else if (block.type === 'products' && block.products.length) parts.push(t.productList(block.products.length, block.total) + '.');
    else if (block.type === 'form') parts.push(block.title + '.');
    else if (block.type === 'order_timeline') parts.push(`${t.order(block.order_number)}: ${block.status_label}.`);
    else if (block.type === 'csat_prompt') parts.push(block.question);
  }
  return parts.join(' ');
}
