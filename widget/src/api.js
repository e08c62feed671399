// The concierge API client: JSON in and out, the visitor and identity headers, Idempotency-Key on
// POSTs, and every failure sorted into the few kinds the panel explains differently.

/**
 * @typedef {'offline' | 'network' | 'rate_limited' | 'in_progress' | 'disabled' | 'unauthorized'
 *   | 'ended' | 'invalid' | 'not_found' | 'conflict' | 'server'} ErrorKind
 * @typedef {{ code?: string, title?: string, detail?: string, contact?: string,
 *   errors?: { field: string, message: string }[] }} Problem
 * @typedef {{ ok: true, status: number, data: any }
 *   | { ok: false, status: number, kind: ErrorKind, problem: Problem, retryAfter: number }} Result
 */

const TIMEOUT_MS = 20000;

/**
 * @param {AuroraConfig} config
 * @param {'GET' | 'POST' | 'DELETE'} method
 * @param {string} path an absolute path on the API origin
 * @param {{ body?: object, key?: string, visitor?: string }} [options]
 * @returns {Promise<Result>}
 */
export async function request(config, method, path, options = {}) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json' };
  if (options.body) headers['Content-Type'] = 'application/json';
  if (options.visitor) headers['X-Aurora-Visitor'] = options.visitor;
  if (config.identity) headers['X-Aurora-Identity'] = config.identity;
  if (options.key) headers['Idempotency-Key'] = options.key;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
  /** @type {Response} */
  let response;
  try {
    response = await fetch(config.api + path, {
      method,
      headers,
      body: options.body ? JSON.stringify(options.body) : undefined,
      credentials: 'omit',
      signal: abort.signal,
    });
  } catch {
    const kind = navigator.onLine === false ? 'offline' : 'network';
    return { ok: false, status: 0, kind, problem: {}, retryAfter: 0 };
  } finally {
    clearTimeout(timer);
  }
  /** @type {any} */
  let data = null;
  try {
    data = await response.json();
  } catch {
    // An empty or non-JSON body (a proxy's error page): the status says enough.
  }
  if (response.ok) return { ok: true, status: response.status, data };
  const status = response.status;
  /** @type {Problem} */
  const problem = data && typeof data === 'object' ? data : {};
  return {
    ok: false,
    status,
    kind: kindOf(status, problem.code),
    problem,
    retryAfter: Number(response.headers.get('Retry-After')) || 0,
  };
}

/** @param {number} status @param {string | undefined} code @returns {ErrorKind} */
export function kindOf(status, code) {
  if (code === 'concierge_disabled') return 'disabled';
  // The same request (same Idempotency-Key) is still being answered, perhaps by an instance
  // that crashed: retried with the same key after Retry-After, never as a new request.
  if (code === 'idempotency_key_in_use') return 'in_progress';
  if (code === 'conversation_ended') return 'ended';
  if (status === 429) return 'rate_limited';
  if (status === 401) return 'unauthorized';
  if (status === 422 || status === 400) return 'invalid';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  return 'server';
}
