// Just enough of `document` for render.js to build blocks under node:test (no jsdom): elements
// and text nodes, attributes, listeners, and no HTML parsing at all (innerHTML throws, so a
// renderer that used it would fail the tests rather than pass them).

class Text {
  /** @param {string} data */
  constructor(data) {
    this.nodeType = 3;
    this.data = data;
  }
  get textContent() {
    return this.data;
  }
}

class Element {
  /** @param {string} tag */
  constructor(tag) {
    this.nodeType = 1;
    this.tagName = tag.toUpperCase();
    /** @type {Array<Element | Text>} */
    this.childNodes = [];
    /** @type {Map<string, string>} */
    this.attributes = new Map();
    /** @type {Map<string, Function[]>} */
    this.listeners = new Map();
    this.hidden = false;
    this.dataset = {};
  }
  /** @param {string} name @param {string} value */
  setAttribute(name, value) {
    this.attributes.set(name, String(value));
  }
  /** @param {string} name */
  getAttribute(name) {
    return this.attributes.has(name) ? this.attributes.get(name) : null;
  }
  /** @param {string} type @param {Function} fn */
  addEventListener(type, fn) {
    this.listeners.set(type, [...(this.listeners.get(type) || []), fn]);
  }
  /** @param {string} type */
  dispatch(type) {
    for (const fn of this.listeners.get(type) || []) fn({ type, target: this });
  }
  click() {
    this.dispatch('click');
  }
  /** @param {...(Element | Text | string)} nodes */
  append(...nodes) {
    for (const node of nodes) this.childNodes.push(typeof node === 'string' ? new Text(node) : node);
  }
  /** @param {...(Element | Text | string)} nodes */
  replaceChildren(...nodes) {
    this.childNodes = [];
    this.append(...nodes);
  }
  get children() {
    return /** @type {Element[]} */ (this.childNodes.filter((n) => n.nodeType === 1));
  }
  get textContent() {
    return this.childNodes.map((n) => n.textContent).join('');
  }
  get className() {
    return this.getAttribute('class') || '';
  }
  set innerHTML(_) {
    throw new Error('innerHTML used');
  }
  /** Every descendant element matching `pred`, in document order. @param {(el: Element) => boolean} pred */
  findAll(pred) {
    /** @type {Element[]} */
    const out = [];
    for (const child of this.children) {
      if (pred(child)) out.push(child);
      out.push(...child.findAll(pred));
    }
    return out;
  }
}

globalThis.document = /** @type {any} */ ({
  /** @param {string} tag */
  createElement: (tag) => new Element(tag),
  /** @param {string} _ns @param {string} tag */
  createElementNS: (_ns, tag) => new Element(tag),
  /** @param {string} data */
  createTextNode: (data) => new Text(data),
});
