// Forms the concierge sends (order lookup, return or resize, stylist) and the satisfaction
// stars: rendered from the block's own field definitions, checked before sending with the same
// rules the server applies again, errors shown next to their fields and announced.

import { h, icon, icons, nextId } from './dom.js';
import { uid } from './uid.js';
import * as t from './strings/en.js';

/**
 * @typedef {import('./render.js').Ctx} Ctx
 * @typedef {{ field: string, message: string }} Problem
 * @typedef {HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement} Control
 * @typedef {{ field: Field, controls: Control[], error: HTMLElement, mark: HTMLElement,
 *   label: string }} Entry
 */

const EMAIL = /^[^\s@]+@(?!\.)[^\s@]+\.[^\s@]*[^\s@.]$/;

/** @param {Field} field @param {Values} values */
function isRequired(field, values) {
  const when = field.required_when;
  return field.required || (!!when && values[when.field] === when.equals);
}

/**
 * The problems of `values` against `fields`: required (also conditionally), length, email
 * syntax, choices. The server checks all of this again (and more, e.g. the order-number format).
 * @param {Field[]} fields @param {Values} values @returns {Problem[]}
 */
export function validate(fields, values) {
  /** @type {Problem[]} */
  const problems = [];
  for (const field of fields) {
    const value = values[field.name];
    const push = (/** @type {string} */ message) => problems.push({ field: field.name, message });
    if (Array.isArray(value) ? !value.length : !(value || '').trim()) {
      if (isRequired(field, values)) push(t.required(field.label));
      continue;
    }
    if (typeof value !== 'string') continue;
    const text = value.trim();
    if (field.max_length && [...text].length > field.max_length) push(t.tooLong(field.label, field.max_length));
    else if (field.type === 'email' && !EMAIL.test(text)) push(t.badEmail(field.label));
    else if (field.choices && field.choices.length && field.type !== 'checkboxes' && !field.choices.some((c) => c.value === text))
      push(t.badChoice(field.label));
  }
  return problems;
}

/** @param {Field} field */
function autocomplete(field) {
  if (field.type === 'email') return 'email';
  if (field.type === 'tel') return 'tel';
  if (field.name === 'name') return 'name';
  return field.type === 'text' ? 'off' : null;
}

/** @param {Field} field @param {Map<string, Entry>} entries */
function renderField(field, entries) {
  const id = nextId('f');
  const errorId = `${id}-err`;
  const hintId = field.hint ? `${id}-hint` : null;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ');
  const mark = h('span', { class: 'req', 'aria-hidden': 'true' }, ' *');
  const error = h('p', { class: 'field-error', id: errorId, hidden: true });
  const hint = field.hint ? h('p', { class: 'hint', id: hintId }, field.hint) : null;
  /** @type {Control[]} */
  let controls;
  /** @type {HTMLElement} */
  let wrap;
  if (field.type === 'radio' || field.type === 'checkboxes') {
    const name = nextId('g');
    const inputs = (field.choices || []).map((choice) => {
      const cid = nextId('c');
      return h('input', {
        type: field.type === 'radio' ? 'radio' : 'checkbox',
        id: cid,
        name,
        value: choice.value,
        checked: field.value === choice.value,
      });
    });
    controls = inputs;
    wrap = h(
      'fieldset',
      { class: 'field group', 'aria-describedby': describedBy },
      h('legend', null, field.label, mark),
      hint,
      h('div', { class: 'choices' }, inputs.map((input, i) =>
        h('label', { class: 'choice', for: input.id }, input, h('span', null, (field.choices || [])[i].label)),
      )),
      error,
    );
  } else {
    const common = {
      id,
      name: field.name,
      'aria-describedby': describedBy,
      autocomplete: autocomplete(field),
      maxlength: field.max_length,
    };
    /** @type {Control} */
    let control;
    if (field.type === 'select') {
      control = h(
        'select',
        common,
        h('option', { value: '' }, t.choose),
        (field.choices || []).map((c) => h('option', { value: c.value, selected: field.value === c.value }, c.label)),
      );
    } else if (field.type === 'textarea') {
      control = h('textarea', { ...common, rows: 3 }, field.value || '');
    } else {
      control = h('input', { ...common, type: field.type, value: field.value, spellcheck: field.type === 'text' ? null : 'false' });
    }
    controls = [control];
    wrap = h('div', { class: 'field' }, h('label', { for: id }, field.label, mark), hint, control, error);
  }
  entries.set(field.name, { field, controls, error, mark, label: field.label });
  return wrap;
}

/** @param {Map<string, Entry>} entries @returns {Values} */
function collect(entries) {
  /** @type {Values} */
  const values = {};
  for (const [name, { field, controls }] of entries) {
    const checked = controls.filter((c) => c instanceof HTMLInputElement && c.checked).map((c) => c.value);
    if (field.type === 'checkboxes') values[name] = checked;
    else if (field.type === 'radio') values[name] = checked[0] || '';
    else values[name] = controls[0].value;
  }
  return values;
}

/** Server messages are fragments ("must be at most 40 characters") or sentences. @param {Entry | undefined} entry @param {string} message */
function phrase(entry, message) {
  return entry && /^[a-z]/.test(message) ? `${entry.label} ${message}` : message;
}

/**
 * Shows `problems` next to their fields (and what has no field in the summary), then moves
 * focus to the first field to fix.
 * @param {Map<string, Entry>} entries @param {HTMLElement} summary @param {Problem[]} problems
 * @param {string} [other] a problem that belongs to no field
 * @param {boolean} [focus]
 */
function show(entries, summary, problems, other, focus) {
  /** @type {Entry | null} */
  let first = null;
  const loose = other ? [other] : [];
  for (const entry of entries.values()) {
    const problem = problems.find((p) => p.field === entry.field.name);
    const message = problem ? phrase(entry, problem.message) : '';
    entry.error.textContent = message;
    entry.error.hidden = !message;
    entry.error.prepend(...(message ? [icon(icons.alert)] : []));
    for (const control of entry.controls) {
      if (!(control instanceof HTMLInputElement && (control.type === 'radio' || control.type === 'checkbox'))) {
        if (message) control.setAttribute('aria-invalid', 'true');
        else control.removeAttribute('aria-invalid');
      }
    }
    if (problem && !first) first = entry;
  }
  for (const p of problems) if (!entries.has(p.field)) loose.push(p.message);
  const count = problems.filter((p) => entries.has(p.field)).length;
  summary.textContent = [count ? t.fixFields(count) : '', ...loose].filter(Boolean).join(' ');
  if (focus && first) first.controls[0].focus();
}

/**
 * Submits with one Idempotency-Key per set of values (the same on a retry), and locks the form
 * once the server accepted it.
 * @param {HTMLFormElement} el @param {HTMLButtonElement} button @param {Ctx} ctx
 * @param {{ endpoint: string, label: () => string }} target
 * @param {() => Values} values @param {() => Problem[]} check
 * @param {(problems: Problem[], other?: string) => void} report
 */
function submitting(el, button, ctx, target, values, check, report) {
  let key = '';
  let keyed = '';
  let tried = false;
  el.addEventListener('change', () => tried && report(check()));
  el.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (el.getAttribute('aria-busy') === 'true' || el.dataset.done) return;
    tried = true;
    const problems = check();
    report(problems);
    if (problems.length) return;
    const body = values();
    const json = JSON.stringify(body);
    if (json !== keyed) [key, keyed] = [uid(), json];
    el.setAttribute('aria-busy', 'true');
    button.setAttribute('aria-disabled', 'true');
    const result = await ctx.submit(target.endpoint, body, key, target.label(), () => el.requestSubmit());
    el.removeAttribute('aria-busy');
    button.removeAttribute('aria-disabled');
    if (result.ok) {
      el.dataset.done = 'true';
      for (const control of el.querySelectorAll('input, select, textarea, button')) control.setAttribute('disabled', '');
      button.replaceChildren(icon(icons.check), t.sent);
    } else if (result.kind === 'invalid' || result.kind === 'conflict') {
      // A definitive answer: a corrected form is a new request with a new key.
      keyed = '';
      report(result.problem.errors || [], result.problem.errors ? undefined : result.problem.detail || t.failed);
    }
    // Otherwise the panel explains the failure and offers a retry, which resubmits (same key).
  });
}

/** @param {Form} form @param {Ctx} ctx */
export function renderForm(form, ctx) {
  const id = nextId('form');
  /** @type {Map<string, Entry>} */
  const entries = new Map();
  const summary = h('p', { class: 'form-error', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'primary' }, form.submit_label);
  const el = h(
    'form',
    { class: 'form', novalidate: true, 'aria-labelledby': id },
    h('h3', { class: 'form-title', id }, form.title),
    h('p', { class: 'req-note' }, t.requiredNote),
    form.fields.map((field) => renderField(field, entries)),
    summary,
    button,
  );
  const marks = () => {
    const values = collect(entries);
    for (const entry of entries.values()) {
      const required = isRequired(entry.field, values);
      entry.mark.hidden = !required;
      for (const control of entry.controls) {
        if (entry.field.type !== 'checkboxes') control.required = required;
      }
    }
  };
  el.addEventListener('change', marks);
  marks();
  const values = () => {
    /** @type {Values} */
    const body = {};
    for (const [name, value] of Object.entries(collect(entries))) {
      if (Array.isArray(value) ? value.length : value.trim()) body[name] = value;
    }
    return body;
  };
  submitting(el, button, ctx, { endpoint: form.endpoint, label: () => t.formSent(form.title) }, values,
    () => validate(form.fields, collect(entries)),
    (problems, other) => show(entries, summary, problems, other, true));
  return el;
}

/** The 1–5 stars of a `csat_prompt`, and an optional comment. @param {string} question @param {Ctx} ctx */
export function renderCsat(question, ctx) {
  const name = nextId('score');
  const errorId = `${name}-err`;
  const error = h('p', { class: 'field-error', id: errorId, hidden: true });
  const inputs = [1, 2, 3, 4, 5].map((n) =>
    h('input', { class: 'star-input', type: 'radio', name, id: `${name}-${n}`, value: String(n), required: true }),
  );
  const labels = inputs.map((input, i) =>
    h('label', { class: 'star', for: input.id }, icon(icons.star), h('span', { class: 'vh' }, t.stars(i + 1))),
  );
  const commentId = nextId('f');
  const comment = h('textarea', { id: commentId, name: 'comment', rows: 2, maxlength: 1000 });
  const summary = h('p', { class: 'form-error', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'primary' }, t.sendRating);
  const el = h(
    'form',
    { class: 'form csat', novalidate: true, 'aria-labelledby': `${name}-q` },
    h(
      'fieldset',
      { class: 'field group', 'aria-describedby': errorId },
      h('legend', { id: `${name}-q` }, question),
      h('div', { class: 'stars' }, inputs.map((input, i) => h('span', { class: 'star-box' }, input, labels[i]))),
      error,
    ),
    h('div', { class: 'field' }, h('label', { for: commentId }, t.comment), comment),
    summary,
    button,
  );
  const score = () => inputs.find((i) => i.checked)?.value || '';
  el.addEventListener('change', () => {
    labels.forEach((label, i) => label.classList.toggle('on', i < Number(score())));
  });
  submitting(
    el, button, ctx,
    { endpoint: '/api/support/csat', label: () => t.stars(Number(score())) },
    () => /** @type {Values} */ (comment.value.trim() ? { score: score(), comment: comment.value } : { score: score() }),
    () => (score() ? [] : [{ field: 'score', message: t.chooseRating }]),
    (problems, other) => {
      const message = problems.length ? t.chooseRating : '';
      error.replaceChildren(...(message ? [icon(icons.alert), message] : []));
      error.hidden = !message;
      summary.textContent = other || '';
      if (message) inputs[0].focus();
    },
  );
  return el;
}
