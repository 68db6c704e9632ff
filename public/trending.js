/**
 * The demo page's "Most reactions today" box, fed by the trends API: the five published stories
 * with the most reactions set or switched in the last 24 hours, titles from the articles API.
 */
const box = document.querySelector('[data-role="trending"]');

const getJson = async (url) => {
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
};

const item = (text, attributes = {}) => {
  const li = document.createElement('li');
  li.className = 'latest__item';
  for (const [name, value] of Object.entries(attributes)) li.setAttribute(name, value);
  li.textContent = text;
  return li;
};

const render = async () => {
  if (!box) return;
  try {
    const trends = await getJson('/api/reaction-trends?window=24h&limit=5');
    const ids = trends.data.map((entry) => entry.documentId);
    if (ids.length === 0) {
      box.replaceChildren(item('No reactions yet today.', { class: 'latest__empty' }));
      return;
    }
    const query = new URLSearchParams({ 'fields[0]': 'title', 'pagination[pageSize]': String(ids.length) });
    ids.forEach((id, index) => query.set(`filters[documentId][$in][${index}]`, id));
    const titles = new Map((await getJson(`/api/articles?${query}`)).data.map((article) => [article.documentId, article.title]));
    box.replaceChildren(
      ...trends.data.map((entry) => {
        const li = item('', { 'data-document-id': entry.documentId, 'data-total': String(entry.total) });
        const link = document.createElement('a');
        link.href = `/?article=${encodeURIComponent(entry.documentId)}`;
        link.textContent = titles.get(entry.documentId) || 'Untitled story';
        const meta = document.createElement('span');
        meta.className = 'latest__meta';
        meta.textContent = `${entry.total} reaction${entry.total === 1 ? '' : 's'} today`;
        li.append(link, meta);
        return li;
      })
    );
  } catch {
    box.replaceChildren(item('Trends could not be loaded.', { class: 'latest__empty' }));
  }
};

render();
