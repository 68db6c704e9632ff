import { GraphQLError, parse } from 'graphql';
import { checkReactionLimits } from '../graphql/operation-guard';
import { addressUnit } from '../utils/client-address';
import { redactReaderSecrets } from '../utils/redact-errors';

const refusedBy = (query: string, variables: Record<string, unknown> = {}, operationName?: string) => {
  try {
    checkReactionLimits(parse(query), operationName, variables);
    return null;
  } catch (error) {
    return error as GraphQLError;
  }
};

describe('GraphQL reaction limits', () => {
  const react = (n: number) => Array.from({ length: n }, (_, i) => `m${i}: react(documentId: "x", kind: like) { total }`).join(' ');

  it('allows ten mutation fields and refuses eleven, also through fragments', () => {
    expect(refusedBy(`mutation { ${react(10)} }`)).toBeNull();
    expect(refusedBy(`mutation { ${react(11)} }`)?.extensions).toMatchObject({ http: { status: 400 }, details: { max: 10, received: 11 } });
    expect(refusedBy(`mutation { ...F } fragment F on Mutation { ${react(11)} }`)).not.toBeNull();
    // A fragment that spreads itself is cut, not followed forever.
    expect(refusedBy('mutation { ...F } fragment F on Mutation { ...F a: unreact(documentId: "x") { total } }')).toBeNull();
  });

  it('counts reactionTallies ids over the whole operation, from literals and variables', () => {
    const ids = (n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => `i${i}`));
    expect(refusedBy(`{ a: reactionTallies(documentIds: ${ids(50)}) { total } b: reactionTallies(documentIds: ${ids(50)}) { total } }`)).toBeNull();
    expect(refusedBy(`{ a: reactionTallies(documentIds: ${ids(50)}) { total } b: reactionTallies(documentIds: ${ids(51)}) { total } }`)).not.toBeNull();
    expect(refusedBy('query ($v: [ID!]!) { reactionTallies(documentIds: $v) { total } }', { v: Array(101).fill('x') })).not.toBeNull();
    // myReactions ids share the budget.
    expect(refusedBy(`{ a: reactionTallies(documentIds: ${ids(60)}) { total } myReactions(documentIds: ${ids(40)}) { data { kind } } }`)).toBeNull();
    expect(refusedBy(`{ a: reactionTallies(documentIds: ${ids(60)}) { total } myReactions(documentIds: ${ids(41)}) { data { kind } } }`)).not.toBeNull();
    // Only the operation that runs counts.
    expect(refusedBy(`query A { reactionTallies(documentIds: ${ids(100)}) { total } } query B { reactionTallies(documentIds: ${ids(100)}) { total } }`, {}, 'A')).toBeNull();
  });
});

describe('client address units', () => {
  it('keeps IPv4, unwraps mapped IPv4 and folds IPv6 to its /64', () => {
    expect(addressUnit('198.51.100.7')).toBe('198.51.100.7');
    expect(addressUnit('::ffff:198.51.100.7')).toBe('198.51.100.7');
    expect(addressUnit('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(addressUnit('2001:db8:1:2::9')).toBe('2001:db8:1:2::/64');
    expect(addressUnit('2001:0db8:0001:0002::')).toBe('2001:db8:1:2::/64');
    expect(addressUnit('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressUnit('[2001:db8::1]')).toBe('2001:db8:0:0::/64');
    for (const junk of ['', undefined, 'not-an-ip', '1.2.3', '198.51.100.7, 10.0.0.1']) expect(addressUnit(junk)).toBe('unknown');
  });
});

describe('reader secrets in errors', () => {
  it('are replaced in message and stack, and driver details are dropped', () => {
    const error = Object.assign(new Error('refused row for KEY123 with token TOK.456'), { code: '23514', detail: 'Failing row contains (KEY123)' });
    const redacted = redactReaderSecrets(error, ['KEY123', 'TOK.456', null]) as Error & { code?: string; detail?: string };
    expect(redacted.message).toBe('refused row for [reader] with token [reader]');
    expect(redacted.stack).not.toContain('KEY123');
    expect(redacted.code).toBe('23514');
    expect(redacted.detail).toBeUndefined();
  });
});
