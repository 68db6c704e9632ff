import { DEFAULT_KINDS } from '../config';
import { buildOpenApiDocument } from '../documentation/openapi';

type Doc = { openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, { properties?: Record<string, unknown> }> } };

const build = (overrides: Partial<Parameters<typeof buildOpenApiDocument>[0]> = {}) =>
  buildOpenApiDocument({
    kinds: DEFAULT_KINDS,
    targets: [
      { pluralName: 'articles', singularName: 'article', displayName: 'Article' },
      { pluralName: 'videos', singularName: 'video', displayName: 'Video' },
    ],
    anonymous: true,
    rateLimit: 60,
    maxBatchIds: 100,
    bodyLimit: '256kb',
    version: '1.0.0',
    ...overrides,
  }) as unknown as Doc;

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with a path per target and the shared endpoints', () => {
    const doc = build();
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/articles/{documentId}/reactions', '/api/videos/{documentId}/reactions', '/api/reaction-tallies', '/api/reaction-kinds'])
    );
  });

  it('follows the configured kinds and targets', () => {
    const doc = build({ kinds: [{ kind: 'yum', label: 'Yum', emoji: '😋' }], targets: [{ pluralName: 'recipes', singularName: 'recipe', displayName: 'Recipe' }] });
    expect(JSON.stringify(doc)).toContain('"yum"');
    expect(JSON.stringify(doc)).not.toContain('"dislike"');
    expect(Object.keys(doc.paths)).toContain('/api/recipes/{documentId}/reactions');
    expect(Object.keys(doc.paths)).not.toContain('/api/articles/{documentId}/reactions');
  });

  it('gives every operation a 4XX response', () => {
    const doc = build();
    for (const [path, item] of Object.entries(doc.paths)) {
      const operations = Object.entries(item as Record<string, { responses?: Record<string, unknown> }>).filter(([key]) => key !== 'parameters');
      for (const [method, operation] of operations) {
        const statuses = Object.keys(operation.responses ?? {});
        expect([path, method, statuses.some((status) => status.startsWith('4'))]).toEqual([path, method, true]);
      }
    }
  });
});
