/**
 * <reaction-bar>: a dependency-free "What's Your Reaction?" bar for the reactions REST API.
 *
 *   <script type="module" src="https://cms.example.com/api/reactions/reaction-bar.js"></script>
 *   <reaction-bar document-id="lmh0ha971s5xsdtc4rv1vzqa"></reaction-bar>
 *
 * Attributes
 *   document-id     (required) the documentId of a published document
 *   api-base        origin of the Strapi server; default "" = the page's origin
 *   content-type    plural name of the target collection type; default "articles"
 *   heading         heading text; default "What's Your Reaction?"
 *   heading-level   1-6, default 2
 *   live            (boolean) follow other readers' reactions as they happen, over the
 *                   server's live stream (GET /api/reaction-stream, Server-Sent Events);
 *                   all live bars of a page with the same api-base share one stream
 * Properties
 *   authToken       a users-permissions JWT for signed-in readers (kept out of the DOM)
 *   tally           the last tally the server confirmed (read-only)
 * Events (bubbling, composed)
 *   reaction-change detail: the server's tally after a change was saved
 *   reaction-error  detail: { status, name, message, retryAfter }
 *   reaction-claim  detail: { moved, dropped } after an anonymous reader's reactions moved to the account
 * Styling: CSS custom properties --reaction-bar-accent, --reaction-bar-bg, --reaction-bar-fg,
 *   --reaction-bar-muted, --reaction-bar-border, --reaction-bar-pressed-bg, --reaction-bar-focus,
 *   --reaction-bar-error, --reaction-bar-radius, and the parts bar, heading, kinds, button,
 *   emoji, label, count, total, status.
 *
 * Identity: an anonymous reader gets a token on their first write. Same-origin, the httpOnly
 * `reactor_token` cookie carries it; the bar also keeps the `X-Reactor-Token` response header in
 * localStorage (per API origin) and sends it as a header, which is what makes it work when the
 * page and the API are on different origins.
 *
 * Sign-in: when `authToken` is set while the bar holds an anonymous token (in localStorage), the
 * bar first claims that token's reactions for the account (POST /api/reactions/claim; the server
 * keeps the account's reaction where both reacted to the same story and clears the cookie), then
 * forgets the token, so the reader is counted once per story. Bars of one page share one claim
 * (the bar that made it emits `reaction-claim`).
 *
 * Caching: the counts come from the public, identity-free tally read (a CDN may serve it); the
 * reader's own reaction comes from a separate private read, made when the bar knows an identity
 * (a stored reactor token or a JWT) or the API is same-origin (the httpOnly cookie may carry one).
 *
 * Behaviour: a click shows its effect at once (optimistic), then the bar settles on the tally
 * the server returns. Clicking your current choice clears it. When the server refuses (429 with
 * Retry-After, 401, network error, ...) the status line says so, the bar rolls back to the
 * server's state and is usable again (after Retry-After for 429).
 */

/* global EventSource */
const DEFAULT_HEADING = "What's Your Reaction?";
const TOKEN_HEADER = 'X-Reactor-Token';
const STORAGE_PREFIX = 'reaction-bar:token:';
const MAX_COOLDOWN_SECONDS = 600;

const STYLES = `
:host {
  --_accent: var(--reaction-bar-accent, #c8102e);
  --_bg: var(--reaction-bar-bg, #ffffff);
  --_fg: var(--reaction-bar-fg, #1b1b1b);
  --_muted: var(--reaction-bar-muted, #5f5f5f);
  --_border: var(--reaction-bar-border, #d4d4d4);
  --_pressed-bg: var(--reaction-bar-pressed-bg, #fdecef);
  --_focus: var(--reaction-bar-focus, #1a5fd0);
  --_error: var(--reaction-bar-error, #a4001d);
  --_radius: var(--reaction-bar-radius, 12px);
  display: block;
  color: var(--_fg);
  font-family: inherit;
  line-height: 1.3;
  container-type: inline-size;
}
:host([hidden]) { display: none; }
.bar { border-top: 3px solid var(--_fg); padding-top: 0.75rem; }
.heading { margin: 0 0 0.75rem; font-size: 1.15rem; font-weight: 800; letter-spacing: 0.01em; }
.kinds {
  display: grid;
  grid-template-columns: repeat(var(--_columns, 7), minmax(0, 1fr));
  gap: 0.5rem;
}
.kinds[data-count="1"] { --_columns: 1; } .kinds[data-count="2"] { --_columns: 2; }
.kinds[data-count="3"] { --_columns: 3; } .kinds[data-count="4"] { --_columns: 4; }
.kinds[data-count="5"] { --_columns: 5; } .kinds[data-count="6"] { --_columns: 6; }
@container (max-width: 36rem) { .kinds { --_columns: 4 !important; } }
@container (max-width: 17rem) { .kinds { --_columns: 2 !important; } }
button {
  -webkit-appearance: none;
  appearance: none;
  display: flex;
  flex-direction: column;
  align-items: center;
  justify-content: center;
  gap: 0.2rem;
  min-width: 0;
  min-height: 44px;
  margin: 0;
  padding: 0.55rem 0.25rem 0.5rem;
  border: 1px solid var(--_border);
  border-radius: var(--_radius);
  background: var(--_bg);
  color: inherit;
  font: inherit;
  cursor: pointer;
  transition: border-color 0.15s, background-color 0.15s, transform 0.1s;
}
button:hover { border-color: var(--_accent); }
button:active { transform: scale(0.96); }
button:focus { outline: none; }
button:focus-visible { outline: 3px solid var(--_focus); outline-offset: 2px; }
button[aria-pressed="true"] {
  border-color: var(--_accent);
  background: var(--_pressed-bg);
  box-shadow: inset 0 0 0 1px var(--_accent);
}
button[aria-pressed="true"] .label { font-weight: 700; color: var(--_accent); }
button[aria-disabled="true"] { cursor: not-allowed; opacity: 0.55; transform: none; }
button[hidden] { display: none; }
:host([closed]) button[aria-disabled="true"] { opacity: 0.8; }
.closed-note { margin: 0.35rem 0 0; color: var(--_muted); font-size: 0.85rem; }
.closed-note[hidden] { display: none; }
.emoji {
  font-family: "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji", "Twemoji Mozilla", "EmojiOne Color", sans-serif;
  font-size: 1.65rem;
  line-height: 1.1;
}
.label { font-size: 0.78rem; max-width: 100%; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.count { font-size: 0.9rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.pop .emoji { animation: pop 0.3s ease-out; }
@keyframes pop { 0% { transform: scale(1); } 45% { transform: scale(1.35); } 100% { transform: scale(1); } }
.total { margin: 0.6rem 0 0; color: var(--_muted); font-size: 0.85rem; }
.status { margin: 0.35rem 0 0; min-height: 1.3em; font-size: 0.875rem; color: var(--_error); }
.status:empty { min-height: 0; }
.status[data-tone="info"] { color: var(--_muted); }
.retry {
  display: inline; min-height: 0; margin-left: 0.5rem; padding: 0.1rem 0.5rem;
  border-radius: 6px; font-size: 0.8rem; flex-direction: row;
}
.kinds[aria-busy="true"] .count { opacity: 0.75; }
@media (prefers-reduced-motion: reduce) {
  button { transition: none; }
  button:active { transform: none; }
  .pop .emoji { animation: none; }
}
@media (forced-colors: active) {
  button[aria-pressed="true"] { outline: 2px solid CanvasText; }
  button[aria-disabled="true"] { color: GrayText; }
}
`;

/** One stylesheet shared by every bar; constructable sheets also pass strict style-src CSPs. */
let sharedSheet = null;
const adoptStyles = (root) => {
  try {
    if (!sharedSheet) {
      sharedSheet = new CSSStyleSheet();
      sharedSheet.replaceSync(STYLES);
    }
    root.adoptedStyleSheets = [sharedSheet];
  } catch {
    const style = document.createElement('style');
    style.textContent = STYLES;
    root.append(style);
  }
};

/** Kinds rarely change: one request per API origin per page. */
const kindsByBase = new Map();

/** One claim per anonymous token, however many bars the page has. */
const claimsByToken = new Map();

const resolveOrigin = (apiBase) => {
  try {
    return new URL(apiBase || '/', location.href).origin;
  } catch {
    return apiBase;
  }
};

const tokenStore = (apiBase) => {
  const key = STORAGE_PREFIX + resolveOrigin(apiBase);
  return {
    get() {
      try {
        return localStorage.getItem(key);
      } catch {
        return null;
      }
    },
    set(token) {
      try {
        if (token) localStorage.setItem(key, token);
        else localStorage.removeItem(key);
      } catch {
        // Storage may be unavailable (private mode, sandboxed frames): the cookie still works same-origin.
      }
    },
  };
};

class RequestError extends Error {
  constructor(status, name, message, { retryAfter = null, tokenSent = false } = {}) {
    super(message);
    this.status = status;
    this.errorName = name;
    this.retryAfter = retryAfter;
    this.tokenSent = tokenSent;
  }
}

const copyTally = (tally) => ({ ...tally, counts: { ...tally.counts } });

const el = (tag, attributes = {}, text) => {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
};

// One live stream per page and API origin for all live bars (at most 100 ids a stream): many
// streams would meet the server's per-address cap and HTTP/1.1's six connections per origin.
const hubs = new Map();
const hubOf = (base) => {
  if (!hubs.has(base)) hubs.set(base, { base, bars: new Set(), sources: [], key: null, wait: 5000 });
  return hubs.get(base);
};
// Bars added or removed in one task change the stream once.
const queueHub = (hub) => {
  if (hub.queued) return;
  hub.queued = true;
  queueMicrotask(() => {
    hub.queued = false;
    openHub(hub);
  });
};
const openHub = (hub, again) => {
  const ids = [...new Set([...hub.bars].map((bar) => bar.documentId))].sort();
  if (!again && ids.join() === hub.key) return;
  hub.key = ids.join();
  clearTimeout(hub.timer);
  for (const source of hub.sources) source.close();
  hub.sources = [];
  for (let i = 0; i < ids.length; i += 100) {
    // No credentials: the stream is the same for everyone and never carries `mine`.
    const source = new EventSource(`${hub.base}/api/reaction-stream?documentIds=${ids.slice(i, i + 100).map(encodeURIComponent).join()}`);
    hub.sources.push(source);
    source.addEventListener('tally', (event) => {
      let tally;
      try {
        tally = JSON.parse(event.data);
      } catch {
        return;
      }
      for (const bar of hub.bars) if (bar.documentId === tally.documentId) bar._liveTally(tally);
    });
    source.addEventListener('open', () => {
      hub.wait = 5000;
      for (const bar of hub.bars) bar.setAttribute('live-connected', '');
    });
    source.addEventListener('error', () => {
      for (const bar of hub.bars) bar.removeAttribute('live-connected');
      // EventSource retries by itself unless the server refused (403, 429...): then back off and reopen.
      if (source.readyState === EventSource.CLOSED && hub.sources.includes(source)) {
        clearTimeout(hub.timer);
        hub.timer = setTimeout(() => openHub(hub, true), hub.wait);
        hub.wait = Math.min(hub.wait * 2, 300000);
      }
    });
  }
};

export class ReactionBar extends HTMLElement {
  static get observedAttributes() {
    return ['document-id', 'api-base', 'content-type', 'heading', 'heading-level', 'live'];
  }

  constructor() {
    super();
    this._authToken = null;
    this._kinds = [];
    this._server = null; // the last tally the server confirmed
    this._desired = undefined; // the reader's wish while it is being saved: a kind, null (clear) or undefined (none)
    this._syncing = false;
    this._loading = false;
    this._refreshing = false;
    this._loadScheduled = false;
    this._writes = 0; // counts writes, so a slow read cannot overwrite a newer write's tally
    this._generation = 0;
    this._cooldownTimer = null;
    this._coolingDown = false;
    this._buttons = new Map();
    this._live = null; // the page's shared stream (hub) while `live` is on

    const root = this.attachShadow({ mode: 'open' });
    adoptStyles(root);
    this._bar = el('section', { class: 'bar', part: 'bar' });
    this._heading = null;
    this._group = el('div', { class: 'kinds', part: 'kinds', role: 'group', 'aria-busy': 'true' });
    this._total = el('p', { class: 'total', part: 'total' });
    this._status = el('p', { class: 'status', part: 'status', role: 'status', 'aria-live': 'polite' });
    // Editors may close a story's reactions: the tally stays, read-only, with this note.
    this._closedNote = el('p', { class: 'closed-note', part: 'closed-note', hidden: '' }, 'Reactions are closed on this story.');
    this._bar.append(this._group, this._total, this._closedNote, this._status);
    root.append(this._bar);
    this._renderHeading();

    this._group.addEventListener('click', (event) => {
      const button = event.target instanceof Element ? event.target.closest('button[data-kind]') : null;
      if (button) this._choose(button.dataset.kind);
    });
  }

  /** A users-permissions JWT: set it when the reader signs in (or null when they sign out). */
  get authToken() {
    return this._authToken;
  }

  set authToken(value) {
    if ((value || null) === this._authToken) return;
    this._authToken = value || null;
    if (this.isConnected) this._scheduleLoad();
  }

  get tally() {
    return this._server ? copyTally(this._server) : null;
  }

  get documentId() {
    return (this.getAttribute('document-id') || '').trim();
  }

  get apiBase() {
    return (this.getAttribute('api-base') || '').trim().replace(/\/+$/, '');
  }

  get contentType() {
    return (this.getAttribute('content-type') || 'articles').trim();
  }

  connectedCallback() {
    this._scheduleLoad();
    this._syncLive();
  }

  disconnectedCallback() {
    // Abandons requests in flight; connecting again reloads from the server.
    this._generation += 1;
    this._loadScheduled = false;
    this._coolingDown = false;
    clearTimeout(this._cooldownTimer);
    this._stopLive();
  }

  attributeChangedCallback(name, oldValue, newValue) {
    if (oldValue === newValue) return;
    if (name === 'heading' || name === 'heading-level') this._renderHeading();
    else if (this.isConnected) {
      this._syncLive();
      if (name !== 'live') this._scheduleLoad();
    }
  }

  /** Several attributes set in one go (or an upgrade plus connect) cause one load. */
  _scheduleLoad() {
    if (this._loadScheduled) return;
    this._loadScheduled = true;
    queueMicrotask(() => {
      if (!this._loadScheduled) return;
      this._loadScheduled = false;
      if (this.isConnected) this._load();
    });
  }

  // ---- data ---------------------------------------------------------------------------

  _endpoint() {
    return `${this.apiBase}/api/${encodeURIComponent(this.contentType)}/${encodeURIComponent(this.documentId)}/reactions`;
  }

  async _request(method, url, body, { anonymous = false, revalidate = false } = {}) {
    const tokens = tokenStore(this.apiBase);
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (this._authToken && !anonymous) headers.Authorization = `Bearer ${this._authToken}`;
    const token = anonymous ? null : tokens.get();
    if (token) headers[TOKEN_HEADER] = token;

    let response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        // The public read carries no identity at all (no cookie either), so a CDN may answer it.
        credentials: anonymous ? 'omit' : 'same-origin',
        // Revalidate with the browser's copy (If-None-Match, a cheap 304): the reader's own write
        // must show after a reload. A CDN in front still answers it from its cache.
        cache: revalidate ? 'no-cache' : 'default',
      });
    } catch {
      throw new RequestError(0, 'NetworkError', 'Network error');
    }
    const issued = response.headers.get(TOKEN_HEADER);
    if (issued) tokens.set(issued);
    let payload = null;
    try {
      payload = await response.json();
    } catch {
      payload = null;
    }
    if (!response.ok) {
      const error = (payload && payload.error) || {};
      const retryAfter = Number(response.headers.get('Retry-After') || (error.details && error.details.retryAfter));
      // Forget the stored token only when the server says that token is not ours (an expired JWT
      // beside it, or anonymous writes switched off, must never cost the reader their identity).
      if (response.status === 401 && token && error.details && error.details.reason === 'reactor-token-invalid') tokens.set(null);
      throw new RequestError(response.status, error.name || 'HttpError', error.message || `HTTP ${response.status}`, {
        retryAfter: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
        tokenSent: Boolean(token),
      });
    }
    if (!payload || typeof payload !== 'object' || !('data' in payload)) {
      throw new RequestError(response.status, 'InvalidResponse', 'Unexpected response');
    }
    return payload.data;
  }

  _fetchKinds() {
    const base = this.apiBase;
    if (!kindsByBase.has(base)) {
      const request = this._request('GET', `${base}/api/reaction-kinds`);
      kindsByBase.set(base, request);
      request.catch(() => kindsByBase.delete(base));
    }
    return kindsByBase.get(base);
  }

  /** The public counts (cacheable) and, when the bar knows an identity, the reader's own kind. */
  async _fetchTally() {
    // Same-origin, the httpOnly cookie may carry a reader the page cannot see: ask then too.
    const sameOrigin = resolveOrigin(this.apiBase) === location.origin;
    const identified = Boolean(this._authToken || tokenStore(this.apiBase).get() || sameOrigin);
    const [tally, mine] = await Promise.all([
      this._request('GET', this._endpoint(), undefined, { anonymous: true, revalidate: true }),
      identified ? this._fetchMine() : Promise.resolve(null),
    ]);
    const counts = { ...tally.counts };
    let total = tally.total;
    // A shared cache may still hold counts from before the reader's own reaction (up to its
    // max-age): never show the reader's own kind at zero.
    if (mine && !(counts[mine] > 0)) {
      counts[mine] = 1;
      total += 1;
    }
    return { ...tally, counts, total, mine };
  }

  /** The reader's own kind of this document (GET /api/reactions/mine?documentIds=, private), or null. */
  async _fetchMine() {
    try {
      return await this._ownKind();
    } catch (error) {
      // A stale token from another server: it has been forgotten, so ask again as a new reader.
      if (error.status === 401 && error.tokenSent) return this._ownKind();
      throw error;
    }
  }

  async _ownKind() {
    const url = `${this.apiBase}/api/reactions/mine?documentIds=${encodeURIComponent(this.documentId)}`;
    const own = await this._request('GET', url);
    const found = Array.isArray(own) ? own.find((item) => item.target === this.contentType && item.documentId === this.documentId) : null;
    return found ? found.kind : null;
  }

  /**
   * Signed in while holding an anonymous token: moves that token's reactions to the account,
   * then forgets the token. A refusal leaves things as they are: the tally still loads (a token
   * the server did not sign is forgotten by the next request, as always).
   */
  async _claimAnonymous() {
    const tokens = tokenStore(this.apiBase);
    const token = tokens.get();
    if (!this._authToken || !token) return;
    const key = `${resolveOrigin(this.apiBase)} ${token}`;
    const first = !claimsByToken.has(key);
    if (first) {
      const claim = fetch(`${this.apiBase}/api/reactions/claim`, {
        method: 'POST',
        headers: { Accept: 'application/json', Authorization: `Bearer ${this._authToken}`, [TOKEN_HEADER]: token },
        credentials: 'same-origin',
      })
        .then(async (response) => {
          const payload = await response.json().catch(() => null);
          if (!response.ok || !payload || !payload.data) return null;
          if (tokens.get() === token) tokens.set(null);
          return payload.data;
        })
        .catch(() => null)
        .finally(() => claimsByToken.delete(key));
      claimsByToken.set(key, claim);
    }
    const claimed = await claimsByToken.get(key);
    if (first && claimed && this.isConnected) this._emit('reaction-claim', { moved: claimed.moved, dropped: claimed.dropped });
  }

  async _load() {
    const generation = ++this._generation;
    this._server = null;
    this._desired = undefined;
    this._syncing = false;
    this._refreshing = false;
    this._loading = true;
    this._setStatus('');
    this._group.setAttribute('aria-busy', 'true');
    if (!this.documentId) {
      this._loading = false;
      this._setStatus('This reaction bar has no document-id.');
      return;
    }
    try {
      await this._claimAnonymous();
      if (generation !== this._generation) return;
      const [kinds, tally] = await Promise.all([this._fetchKinds(), this._fetchTally()]);
      if (generation !== this._generation) return;
      this._loading = false;
      this._kinds = kinds;
      this._server = tally;
      this._buildButtons();
      this._render();
    } catch (error) {
      if (generation !== this._generation) return;
      this._loading = false;
      this._group.setAttribute('aria-busy', 'false');
      this._setStatus(
        error.status === 404 ? 'Reactions are not available for this story.' : 'Reactions could not be loaded.',
        'error',
        error.status !== 404
      );
    }
  }

  /** After a refusal: show the server's current state again. Keeps the refusal message. */
  async _refresh(generation) {
    const writes = this._writes;
    this._refreshing = true;
    this._render();
    try {
      const tally = await this._fetchTally();
      if (generation === this._generation && !this._syncing && writes === this._writes) this._server = tally;
    } catch {
      // Keep the last state the server confirmed.
    } finally {
      if (generation === this._generation) {
        this._refreshing = false;
        this._render();
      }
    }
  }

  // ---- interaction -------------------------------------------------------------------------

  _shownMine() {
    return this._desired !== undefined ? this._desired : this._server.mine;
  }

  _choose(kind) {
    if (!this._server || this._coolingDown || !this._buttons.has(kind)) return;
    if (this._server.closed === true || (!this._offers(kind) && this._shownMine() !== kind)) return;
    this._desired = this._shownMine() === kind ? null : kind;
    this._setStatus('');
    const button = this._buttons.get(kind);
    if (this._desired === kind) {
      button.classList.remove('pop');
      // Restart the little animation on repeated clicks.
      void button.offsetWidth;
      button.classList.add('pop');
    }
    this._render();
    this._sync();
  }

  /** Sends the reader's latest wish until the server agrees; clicks made meanwhile just update the wish. */
  async _sync() {
    if (this._syncing) return;
    const generation = this._generation;
    this._syncing = true;
    this._render();
    try {
      while (this._desired !== undefined && this._desired !== this._server.mine) {
        const wish = this._desired;
        this._writes += 1;
        const tally =
          wish === null
            ? await this._request('DELETE', this._endpoint())
            : await this._request('PUT', this._endpoint(), { data: { kind: wish } });
        if (generation !== this._generation) return;
        this._server = tally;
      }
      this._desired = undefined;
      this._syncing = false;
      this._render();
      this._emit('reaction-change', copyTally(this._server));
    } catch (error) {
      if (generation !== this._generation) return;
      this._desired = undefined;
      this._syncing = false;
      this._refuse(error);
      this._render();
      // Not awaited: a click during the refresh starts a new sync, and the stale read is then dropped.
      this._refresh(generation);
    }
  }

  _refuse(error) {
    this._emit('reaction-error', {
      status: error.status,
      name: error.errorName,
      message: error.message,
      retryAfter: error.retryAfter,
    });
    if (error.status === 429) {
      const seconds = Math.min(error.retryAfter || 30, MAX_COOLDOWN_SECONDS);
      this._startCooldown(seconds);
      this._setStatus(
        `Too many reactions from this browser: the server refused this one. You can react again in ${seconds} second${seconds === 1 ? '' : 's'}.`
      );
    } else if (error.status === 0) {
      this._setStatus('Could not reach the server: your reaction was not saved. Please try again.');
    } else if (error.status === 401) {
      this._setStatus(
        error.tokenSent
          ? 'The server did not accept this browser\'s reader key, so it was reset. Please react again.'
          : this._authToken
            ? 'Your sign-in has expired: please sign in again to react.'
            : 'The server refused your reaction: please sign in to react.'
      );
    } else if (error.status === 404) {
      this._setStatus('This story is no longer available for reactions.');
    } else if (error.status === 403) {
      this._setStatus('Reactions were closed on this story: your reaction was not saved.');
    } else if (error.status === 400 && error.errorName === 'ValidationError') {
      this._setStatus('This story no longer offers that reaction: your reaction was not saved.');
    } else {
      this._setStatus(`The server refused your reaction (${error.status || 'error'}). Please try again.`);
    }
  }

  _startCooldown(seconds) {
    clearTimeout(this._cooldownTimer);
    this._coolingDown = true;
    this._cooldownTimer = setTimeout(() => {
      this._coolingDown = false;
      this._render();
      this._setStatus('You can react again.', 'info');
    }, seconds * 1000);
  }

  _emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  // ---- live -----------------------------------------------------------------------------------

  /** Joins or leaves the page's shared stream to match `live`, `document-id` and `api-base`. */
  _syncLive() {
    const hub = this.hasAttribute('live') && this.isConnected && this.documentId && typeof EventSource !== 'undefined' ? hubOf(this.apiBase) : null;
    if (this._live !== hub) {
      if (this._live) this._stopLive();
      if (hub) hub.bars.add(this);
      this._live = hub;
      // Joining a stream that is already open (another bar of the same story): no 'open' comes.
      if (hub && hub.sources.some((source) => source.readyState === 1)) this.setAttribute('live-connected', '');
    }
    if (hub) queueHub(hub);
  }

  _stopLive() {
    const hub = this._live;
    this._live = null;
    this.removeAttribute('live-connected');
    if (!hub) return;
    hub.bars.delete(this);
    queueHub(hub);
  }

  /** A tally from the stream; while the reader's own write is in flight its response settles the bar. */
  _liveTally(tally) {
    if (!this._server || this._syncing) return;
    this._server = { ...this._server, total: tally.total, counts: { ...tally.counts } };
    this._render();
    this.setAttribute('live-updated', String(Date.now()));
  }

  // ---- rendering --------------------------------------------------------------------------

  _renderHeading() {
    const level = Math.min(6, Math.max(1, Number.parseInt(this.getAttribute('heading-level') || '2', 10) || 2));
    const heading = el(`h${level}`, { class: 'heading', part: 'heading', id: 'heading' }, this.getAttribute('heading') || DEFAULT_HEADING);
    if (this._heading) this._heading.replaceWith(heading);
    else this._bar.prepend(heading);
    this._heading = heading;
    this._group.setAttribute('aria-labelledby', 'heading');
  }

  _buildButtons() {
    this._buttons.clear();
    this._group.replaceChildren();
    this._group.dataset.count = String(this._kinds.length);
    for (const { kind, label, emoji } of this._kinds) {
      const button = el('button', { type: 'button', part: 'button', 'data-kind': kind, 'aria-pressed': 'false' });
      button.append(
        el('span', { class: 'emoji', part: 'emoji', 'aria-hidden': 'true' }, emoji),
        el('span', { class: 'label', part: 'label' }, label),
        el('span', { class: 'count', part: 'count' }, '0')
      );
      button.addEventListener('animationend', () => button.classList.remove('pop'));
      this._buttons.set(kind, button);
      this._group.append(button);
    }
  }

  /** The server's tally with the pending wish applied: what the reader sees at once. */
  _shownTally() {
    const server = this._server;
    const counts = { ...server.counts };
    let total = server.total;
    const mine = this._shownMine();
    if (mine !== server.mine) {
      if (server.mine && counts[server.mine] > 0) {
        counts[server.mine] -= 1;
        total -= 1;
      }
      if (mine) {
        counts[mine] = (counts[mine] || 0) + 1;
        total += 1;
      }
    }
    return { counts, total, mine };
  }

  /** Whether this story offers a kind (editors may restrict them; a tally without `kinds` offers all). */
  _offers(kind) {
    return !Array.isArray(this._server.kinds) || this._server.kinds.includes(kind);
  }

  _render() {
    if (!this._server) return;
    const { counts, total, mine } = this._shownTally();
    const closed = this._server.closed === true;
    this.toggleAttribute('closed', closed);
    this._closedNote.hidden = !closed;
    const format = new Intl.NumberFormat();
    for (const [kind, button] of this._buttons) {
      const count = counts[kind] || 0;
      button.setAttribute('aria-pressed', String(kind === mine));
      button.dataset.count = String(count);
      button.querySelector('.count').textContent = format.format(count);
      // A kind the story does not offer is hidden, unless it is the reader's own (kept visible to undo).
      button.hidden = !this._offers(kind) && kind !== mine;
      if (this._coolingDown || closed) button.setAttribute('aria-disabled', 'true');
      else button.removeAttribute('aria-disabled');
    }
    this._group.dataset.count = String([...this._buttons.values()].filter((button) => !button.hidden).length);
    this._group.setAttribute('aria-busy', String(this._syncing || this._loading || this._refreshing));
    this.toggleAttribute('busy', this._syncing || this._refreshing);
    this._total.dataset.total = String(total);
    this._total.textContent =
      total === 0 ? 'No reactions yet. Be the first!' : `${format.format(total)} reaction${total === 1 ? '' : 's'}`;
  }

  _setStatus(message, tone = 'error', withRetry = false) {
    this._status.dataset.tone = tone;
    this._status.textContent = message;
    if (withRetry) {
      const retry = el('button', { type: 'button', class: 'retry', part: 'button retry' }, 'Try again');
      retry.addEventListener('click', () => this._load());
      this._status.append(retry);
    }
  }
}

if (!customElements.get('reaction-bar')) customElements.define('reaction-bar', ReactionBar);
