/**
 * The demo page at `/`: the latest published articles and one article rendered like a news page
 * (headline, lead, dateline and date, byline, body, then the reaction bar).
 *
 * `?article=<documentId>` selects an article; without it the latest one is shown.
 * Everything from the API is put into the page as text nodes or checked attributes, never
 * through innerHTML, so article content cannot inject markup or scripts.
 */

const LIST_SIZE = 10;
const story = document.getElementById('story');
const latest = document.querySelector('[data-role="latest"]');

const el = (tag, attributes = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
};

// The page's own reads carry no identity, so a CDN may serve them; the bar reads the reader's own state.
const getJson = async (url) => {
  const response = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'omit' });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const error = new Error((body && body.error && body.error.message) || `HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return body;
};

// ---- dates --------------------------------------------------------------------------------

const dateFormat = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', year: 'numeric' });
const timeFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });

/** "Nov 28, 2025 - 02:00", as news pages print it. */
const formatDate = (iso) => {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return `${dateFormat.format(date)} - ${timeFormat.format(date)}`;
};

// ---- Strapi blocks ------------------------------------------------------------------------

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** Only http(s), mailto and same-site links; anything else (javascript:, data:) is dropped. */
const safeUrl = (raw) => {
  if (typeof raw !== 'string' || raw.trim() === '') return null;
  try {
    const url = new URL(raw, location.href);
    return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
};

const renderInline = (nodes) => {
  const fragment = document.createDocumentFragment();
  for (const node of Array.isArray(nodes) ? nodes : []) {
    if (!node || typeof node !== 'object') continue;
    if (node.type === 'link') {
      const href = safeUrl(node.url);
      const children = renderInline(node.children);
      if (!href) {
        fragment.append(children);
        continue;
      }
      const external = new URL(href).origin !== location.origin;
      fragment.append(el('a', { href, rel: external ? 'noopener noreferrer' : undefined }, children));
      continue;
    }
    if (typeof node.text !== 'string') {
      if (Array.isArray(node.children)) fragment.append(renderInline(node.children));
      continue;
    }
    let out = document.createTextNode(node.text);
    if (node.code) out = el('code', {}, out);
    if (node.bold) out = el('strong', {}, out);
    if (node.italic) out = el('em', {}, out);
    if (node.underline) out = el('u', {}, out);
    if (node.strikethrough) out = el('s', {}, out);
    fragment.append(out);
  }
  return fragment;
};

const plainText = (nodes) =>
  (Array.isArray(nodes) ? nodes : []).map((node) => (typeof node?.text === 'string' ? node.text : plainText(node?.children))).join('');

const renderList = (block) => {
  const list = el(block.format === 'ordered' ? 'ol' : 'ul');
  for (const item of Array.isArray(block.children) ? block.children : []) {
    if (item?.type === 'list') {
      // A nested list belongs to the previous item.
      const host = list.lastElementChild || list.appendChild(el('li'));
      host.append(renderList(item));
    } else {
      list.append(el('li', {}, renderInline(item?.children)));
    }
  }
  return list;
};

/** Renders Strapi's blocks JSON (paragraph, heading, quote, list, code, image). Unknown blocks are skipped. */
export const renderBlocks = (blocks) => {
  const fragment = document.createDocumentFragment();
  for (const block of Array.isArray(blocks) ? blocks : []) {
    if (!block || typeof block !== 'object') continue;
    switch (block.type) {
      case 'paragraph':
        if (plainText(block.children).trim() !== '' || (block.children || []).some((child) => child?.type === 'link')) {
          fragment.append(el('p', {}, renderInline(block.children)));
        }
        break;
      case 'heading': {
        // The headline is the page's h1: body headings start at h2.
        const level = Math.min(6, Math.max(2, Number(block.level) || 2));
        fragment.append(el(`h${level}`, { class: 'story__subheading' }, renderInline(block.children)));
        break;
      }
      case 'quote':
        fragment.append(el('blockquote', {}, el('p', {}, renderInline(block.children))));
        break;
      case 'list':
        fragment.append(renderList(block));
        break;
      case 'code':
        fragment.append(el('pre', {}, el('code', {}, plainText(block.children))));
        break;
      case 'image': {
        const src = safeUrl(block.image?.url);
        if (src) {
          const caption = block.image?.caption;
          fragment.append(
            el(
              'figure',
              {},
              el('img', { src, alt: block.image?.alternativeText || '', width: block.image?.width, height: block.image?.height, loading: 'lazy' }),
              caption ? el('figcaption', {}, caption) : null
            )
          );
        }
        break;
      }
      default:
        break;
    }
  }
  return fragment;
};

// ---- page ---------------------------------------------------------------------------------

const selectedId = () => new URLSearchParams(location.search).get('article');

const articleHref = (documentId) => `?article=${encodeURIComponent(documentId)}`;

const reactionsLabel = (tally) => {
  const total = tally?.total ?? 0;
  return `${total} reaction${total === 1 ? '' : 's'}`;
};

let articles = [];

const renderLatest = (currentId) => {
  latest.replaceChildren();
  if (articles.length === 0) {
    latest.append(el('li', { class: 'latest__empty' }, 'No published stories yet.'));
    return;
  }
  for (const article of articles) {
    const current = article.documentId === currentId;
    const link = el('a', { href: articleHref(article.documentId), 'aria-current': current ? 'page' : undefined, 'data-document-id': article.documentId }, article.title);
    latest.append(
      el(
        'li',
        { class: current ? 'latest__item latest__item--current' : 'latest__item' },
        el('span', { class: 'latest__category' }, article.category || 'News'),
        link,
        el(
          'span',
          { class: 'latest__meta' },
          el('time', { datetime: article.publishedAt }, formatDate(article.publishedAt)),
          ' · ',
          el('span', { 'data-role': 'reaction-total', 'data-document-id': article.documentId }, reactionsLabel(article.reactionTally))
        )
      )
    );
  }
};

const coverOf = (article) => {
  const cover = article.cover;
  const url = safeUrl(cover?.formats?.large?.url || cover?.url);
  if (!url) return null;
  return el(
    'figure',
    { class: 'story__cover' },
    el('img', { src: url, alt: cover.alternativeText || '', width: cover.width, height: cover.height }),
    cover.caption ? el('figcaption', {}, cover.caption) : null
  );
};

const renderArticle = (article) => {
  const source = safeUrl(article.sourceUrl);
  // live: other readers' reactions appear as they happen (the bar's live stream).
  const bar = el('reaction-bar', { 'document-id': article.documentId, 'content-type': 'articles', live: '' });
  const meta = el(
    'p',
    { class: 'story__meta' },
    article.dateline ? el('span', { class: 'story__dateline' }, article.dateline) : null,
    article.dateline ? ' — ' : null,
    el('time', { datetime: article.publishedAt }, formatDate(article.publishedAt)),
    article.byline ? el('span', { class: 'story__byline' }, ` · By ${article.byline}`) : null
  );
  story.replaceChildren(
    el(
      'article',
      { class: 'story__article', 'data-document-id': article.documentId },
      el('p', { class: 'story__category' }, article.category || 'News'),
      el('h1', { class: 'story__headline' }, article.title),
      article.lead ? el('p', { class: 'story__lead' }, article.lead) : null,
      meta,
      coverOf(article),
      el('div', { class: 'story__body' }, renderBlocks(article.body)),
      source ? el('p', { class: 'story__source' }, 'Source: ', el('a', { href: source, rel: 'noopener noreferrer' }, new URL(source).hostname)) : null,
      bar
    )
  );
  document.title = `${article.title} · The Newsroom`;
};

const renderNotice = (message, detail) => {
  story.replaceChildren(el('div', { class: 'notice' }, el('p', {}, message), detail ? el('p', { class: 'notice__detail' }, detail) : null));
};

/** One article with its cover when the public role may read media; without it otherwise. */
const fetchArticle = async (documentId) => {
  const path = `/api/articles/${encodeURIComponent(documentId)}`;
  try {
    return (await getJson(`${path}?populate=cover`)).data;
  } catch (error) {
    if (error.status === 404) throw error;
    return (await getJson(path)).data;
  }
};

const show = async (documentId, { focus = false } = {}) => {
  story.setAttribute('aria-busy', 'true');
  renderLatest(documentId);
  try {
    const article = documentId ? await fetchArticle(documentId) : null;
    if (!article) {
      renderNotice(
        'No published stories yet.',
        'Publish an article in the admin panel (/admin), or start Strapi with SEED_SAMPLE_CONTENT=true for the sample newsroom.'
      );
    } else {
      renderArticle(article);
    }
  } catch (error) {
    renderNotice(
      error.status === 404 ? 'This story is not available.' : 'The story could not be loaded.',
      error.status === 404 ? 'It may have been unpublished. Pick another one from the list.' : String(error.message || error)
    );
  }
  story.setAttribute('aria-busy', 'false');
  if (focus) story.focus({ preventScroll: false });
};

const start = async () => {
  try {
    const list = await getJson(`/api/articles?sort=publishedAt:desc&pagination[pageSize]=${LIST_SIZE}`);
    articles = Array.isArray(list.data) ? list.data : [];
  } catch (error) {
    articles = [];
    renderNotice('The stories could not be loaded.', String(error.message || error));
    story.setAttribute('aria-busy', 'false');
    return;
  }
  await show(selectedId() || articles[0]?.documentId || null);
};

// Selecting a story in the list: no page load, but a real URL (shareable, back button works).
latest.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('a[data-document-id]') : null;
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  const documentId = link.dataset.documentId;
  history.pushState({ documentId }, '', articleHref(documentId));
  show(documentId, { focus: true });
});

window.addEventListener('popstate', () => show(selectedId() || articles[0]?.documentId || null));

// Keep the list's reaction totals in step with the bar.
document.addEventListener('reaction-change', (event) => {
  const tally = event.detail;
  const article = articles.find((item) => item.documentId === tally.documentId);
  if (article) article.reactionTally = tally;
  for (const node of latest.querySelectorAll('[data-role="reaction-total"]')) {
    if (node.dataset.documentId === tally.documentId) node.textContent = reactionsLabel(tally);
  }
});

start();
