import { errors } from '@strapi/utils';
import { checkedIds, isDocumentId, parseDocumentIds, parseSetBody } from '../utils/validation';

const KINDS = ['like', 'love'];

const refusal = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    return error as InstanceType<typeof errors.ValidationError>;
  }
  throw new Error('expected a ValidationError');
};

describe('the set body', () => {
  it('takes { data: { kind } } and nothing else', () => {
    expect(parseSetBody({ data: { kind: 'love' } }, KINDS)).toBe('love');
    expect(refusal(() => parseSetBody({ data: { kind: 'wow' } }, KINDS)).details).toEqual({ allowed: KINDS });
    expect(refusal(() => parseSetBody({ data: {} }, KINDS)).message).toBe('data.kind is required');
    expect(refusal(() => parseSetBody({ data: { kind: 'like', user: 1 } }, KINDS)).details).toEqual({ unexpected: ['data.user'] });
    expect(refusal(() => parseSetBody({ data: { kind: 'like' }, article: 'x' }, KINDS)).details).toEqual({ unexpected: ['article'] });
    for (const body of [null, 'like', [], { data: 'like' }, { data: [] }, { data: { kind: 0 } }, { data: { kind: ['like'] } }]) {
      expect(refusal(() => parseSetBody(body, KINDS))).toBeInstanceOf(errors.ValidationError);
    }
  });
});

describe('document ids', () => {
  it('recognises what can be a documentId', () => {
    expect(isDocumentId('lmh0ha971s5xsdtc4rv1vzqa')).toBe(true);
    for (const value of ['', 'a b', 'x'.repeat(65), '../x', 7, null]) expect(isDocumentId(value)).toBe(false);
  });

  it('parses comma lists and repeated parameters, dropping duplicates and impossible ids, in order', () => {
    expect(parseDocumentIds('b,a,b, c')).toEqual(['b', 'a', 'c']);
    expect(parseDocumentIds(['a,b', 'c'])).toEqual(['a', 'b', 'c']);
    expect(parseDocumentIds('a,<script>,b')).toEqual(['a', 'b']);
    expect(refusal(() => parseDocumentIds(undefined)).message).toContain('documentIds is required');
    expect(refusal(() => parseDocumentIds({ $ne: 'x' })).message).toContain('documentIds is required');
  });

  it('allows at most 100 distinct ids', () => {
    const ids = Array.from({ length: 101 }, (_, i) => `id${i}`);
    expect(checkedIds(ids.slice(0, 100))).toHaveLength(100);
    expect(checkedIds([...ids.slice(0, 100), 'id0'])).toHaveLength(100);
    expect(refusal(() => checkedIds(ids)).details).toEqual({ max: 100, received: 101 });
  });
});
