/**
 * A small, offline renderer for the reactions OpenAPI document (GET /api/reactions/openapi.json):
 * operations, parameters, request bodies, every response with its examples, and the schemas.
 * Text from the document is inserted as text nodes only.
 */

const SPEC_URL = '/api/reactions/openapi.json';
const METHODS = ['get', 'put', 'post', 'patch', 'delete'];
const root = document.getElementById('docs');

const el = (tag, attributes = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(name, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
};

/** `code` and **bold** in descriptions; everything else stays text. */
const inlineMarkdown = (text) => {
  const fragment = document.createDocumentFragment();
  const pattern = /(`[^`]+`|\*\*[^*]+\*\*)/g;
  let last = 0;
  for (const match of String(text).matchAll(pattern)) {
    fragment.append(text.slice(last, match.index));
    const token = match[0];
    fragment.append(token.startsWith('`') ? el('code', {}, token.slice(1, -1)) : el('strong', {}, token.slice(2, -2)));
    last = match.index + token.length;
  }
  fragment.append(String(text).slice(last));
  return fragment;
};

const paragraphs = (text) =>
  String(text || '')
    .split(/\n\s*\n/)
    .filter((part) => part.trim() !== '')
    .map((part) => el('p', {}, inlineMarkdown(part.replace(/\n/g, ' '))));

const refName = (ref) => String(ref).split('/').pop();

const anchor = (kind, name) => `${kind}-${name}`.replace(/[^A-Za-z0-9_-]/g, '-');

const resolver = (spec) => (value) => {
  let current = value;
  for (let depth = 0; current && current.$ref && depth < 10; depth += 1) {
    const path = current.$ref.replace(/^#\//, '').split('/');
    current = path.reduce((node, key) => (node ? node[key] : undefined), spec);
  }
  return current;
};

/** A compact, linked type name for a schema. */
const typeOf = (schema) => {
  if (!schema) return 'any';
  if (schema.$ref) {
    const name = refName(schema.$ref);
    return el('a', { href: `#${anchor('schema', name)}` }, name);
  }
  if (schema.oneOf) {
    const parts = schema.oneOf.map(typeOf);
    return el('span', {}, parts.flatMap((part, index) => (index === 0 ? [part] : [' | ', part])));
  }
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (schema.type === 'array') return el('span', {}, typeOf(schema.items), '[]');
  const base = Array.isArray(schema.type) ? schema.type.join(' | ') : schema.type || 'object';
  return schema.pattern ? `${base} (${schema.pattern})` : base;
};

const json = (value) => el('pre', { class: 'json' }, el('code', {}, JSON.stringify(value, null, 2)));

const propertiesTable = (schema, resolve) => {
  const target = resolve(schema);
  if (!target || !target.properties) return null;
  const required = new Set(target.required || []);
  return el(
    'table',
    { class: 'props' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Field'), el('th', { scope: 'col' }, 'Type'), el('th', { scope: 'col' }, 'Notes'))),
    el(
      'tbody',
      {},
      Object.entries(target.properties).map(([name, property]) =>
        el(
          'tr',
          {},
          el('td', {}, el('code', {}, name), required.has(name) ? el('span', { class: 'req', title: 'required' }, ' *') : null),
          el('td', {}, typeOf(property)),
          el('td', {}, property.description ? inlineMarkdown(property.description) : '', property.minimum !== undefined ? ` ≥ ${property.minimum}` : '')
        )
      )
    )
  );
};

const examplesOf = (media) => {
  if (!media) return [];
  if (media.example !== undefined) return [['Example', media.example]];
  return Object.entries(media.examples || {}).map(([name, example]) => [name, example.value]);
};

const renderResponse = (status, response, resolve) => {
  const resolved = resolve(response);
  const media = resolved.content && resolved.content['application/json'];
  const headers = Object.entries(resolved.headers || {}).map(([name, header]) => {
    const h = resolve(header);
    return el('li', {}, el('code', {}, name), ' — ', inlineMarkdown(h.description || ''));
  });
  return el(
    'div',
    { class: `response status-${String(status)[0]}xx`, 'data-status': status },
    el('h4', {}, el('span', { class: 'status' }, status), ' ', inlineMarkdown(resolved.description || '')),
    media ? el('p', { class: 'schema-line' }, 'Body: ', typeOf(media.schema)) : null,
    headers.length ? el('div', {}, el('p', { class: 'schema-line' }, 'Headers:'), el('ul', {}, headers)) : null,
    examplesOf(media).map(([name, value]) => el('details', {}, el('summary', {}, name), json(value)))
  );
};

const renderOperation = (path, method, operation, shared, resolve) => {
  const id = operation.operationId || `${method}-${path}`;
  const parameters = [...(shared || []), ...(operation.parameters || [])].map(resolve);
  const body = operation.requestBody && resolve(operation.requestBody);
  const bodyMedia = body && body.content && body.content['application/json'];
  const security = (operation.security || []).flatMap((entry) => Object.keys(entry));
  return el(
    'section',
    { class: 'operation', id: anchor('op', id) },
    el('h3', {}, el('span', { class: `method method-${method}` }, method.toUpperCase()), ' ', el('code', { class: 'path' }, path)),
    operation.summary ? el('p', { class: 'summary' }, operation.summary) : null,
    paragraphs(operation.description),
    security.length
      ? el('p', { class: 'schema-line' }, 'Identifies the reader by (optional): ', security.map((name, index) => [index ? ', ' : '', el('code', {}, name)]))
      : null,
    parameters.length
      ? el(
          'table',
          { class: 'props' },
          el('caption', {}, 'Parameters'),
          el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Name'), el('th', { scope: 'col' }, 'In'), el('th', { scope: 'col' }, 'Type'), el('th', { scope: 'col' }, 'Notes'))),
          el(
            'tbody',
            {},
            parameters.map((parameter) =>
              el(
                'tr',
                {},
                el('td', {}, el('code', {}, parameter.name), parameter.required ? el('span', { class: 'req' }, ' *') : null),
                el('td', {}, parameter.in),
                el('td', {}, typeOf(parameter.schema)),
                el('td', {}, inlineMarkdown(parameter.description || ''))
              )
            )
          )
        )
      : null,
    bodyMedia
      ? el('div', { class: 'request' }, el('h4', {}, 'Request body: ', typeOf(bodyMedia.schema)), examplesOf(bodyMedia).map(([, value]) => json(value)))
      : null,
    el('div', { class: 'responses' }, Object.entries(operation.responses || {}).map(([status, response]) => renderResponse(status, response, resolve)))
  );
};

const render = (spec) => {
  const resolve = resolver(spec);
  const operations = [];
  for (const [path, item] of Object.entries(spec.paths || {})) {
    for (const method of METHODS) if (item[method]) operations.push({ path, method, operation: item[method], shared: item.parameters });
  }
  const schemas = Object.entries((spec.components && spec.components.schemas) || {});

  document.title = `${spec.info.title} ${spec.info.version}`;
  root.replaceChildren(
    ...[
    el('h1', {}, spec.info.title, ' ', el('small', {}, spec.info.version), ' ', el('small', { class: 'oas' }, `OpenAPI ${spec.openapi}`)),
    spec.info.summary ? el('p', { class: 'summary' }, spec.info.summary) : null,
    el('div', { class: 'intro' }, paragraphs(spec.info.description)),
    el(
      'nav',
      { 'aria-label': 'Operations' },
      el('h2', {}, 'Endpoints'),
      el(
        'ul',
        { class: 'toc' },
        operations.map(({ path, method, operation }) =>
          el(
            'li',
            {},
            el('a', { href: `#${anchor('op', operation.operationId || `${method}-${path}`)}` }, el('span', { class: `method method-${method}` }, method.toUpperCase()), ' ', el('code', {}, path)),
            operation.summary ? ` — ${operation.summary}` : ''
          )
        )
      )
    ),
    el('h2', {}, 'Operations'),
    operations.map(({ path, method, operation, shared }) => renderOperation(path, method, operation, shared, resolve)),
    el('h2', {}, 'Schemas'),
    schemas.map(([name, schema]) =>
      el(
        'section',
        { class: 'schema', id: anchor('schema', name) },
        el('h3', {}, el('code', {}, name)),
        paragraphs(schema.description),
        schema.enum ? el('p', {}, 'One of: ', schema.enum.map((value, index) => [index ? ', ' : '', el('code', {}, value)])) : null,
        propertiesTable(schema, resolve),
        el('details', {}, el('summary', {}, 'JSON Schema'), json(schema))
      )
    ),
    ].flat(Infinity)
  );
  root.setAttribute('aria-busy', 'false');
  if (location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView();
};

fetch(SPEC_URL, { headers: { Accept: 'application/json' } })
  .then((response) => {
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.json();
  })
  .then(render)
  .catch((error) => {
    root.replaceChildren(el('p', {}, `The API description could not be loaded from ${SPEC_URL}: ${error.message}`));
    root.setAttribute('aria-busy', 'false');
  });
