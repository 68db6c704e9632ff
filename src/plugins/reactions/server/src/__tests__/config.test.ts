import config, { DEFAULT_KINDS } from '../config';

const env = Object.assign((key: string, fallback?: string) => fallback ?? '', {
  int: (_key: string, fallback?: number) => fallback ?? 0,
  bool: (_key: string, fallback?: boolean) => fallback ?? false,
});

const valid = () => ({ ...config.default({ env }), targets: ['api::article.article'] });

const messageOf = (candidate: unknown): string => {
  try {
    config.validator(candidate);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
};

describe('plugin config', () => {
  it('accepts the defaults, with or without kinds', () => {
    expect(messageOf(valid())).toBe('');
    expect(messageOf({ ...valid(), kinds: DEFAULT_KINDS })).toBe('');
    expect(config.default({ env })).toMatchObject({ targets: [], anonymous: true, rateLimit: 60, newReadersPerAddress: 30, trendsRateLimit: 60, embedTallies: true });
  });

  it.each([
    [{ targets: ['article'] }, 'targets[0]'],
    [{ targets: 'api::article.article' }, 'targets'],
    [{ kinds: [] }, 'kinds must list at least one kind'],
    [{ kinds: [{ kind: 'Like', label: 'Like', emoji: '👍' }] }, 'kinds[0].kind'],
    [{ kinds: [{ kind: 'like', label: '', emoji: '👍' }] }, 'kinds[0].label'],
    [{ kinds: [{ kind: 'like', label: 'Like' }] }, 'kinds[0].emoji'],
    [{ kinds: [{ kind: 'like', label: 'Like', emoji: '👍', colour: 'red' }] }, 'kinds[0] has unknown keys: colour'],
    [{ kinds: [DEFAULT_KINDS[0], DEFAULT_KINDS[0]] }, 'kinds lists a kind twice'],
    [{ rateLimit: -1 }, 'rateLimit'],
    [{ rateLimit: 1.5 }, 'rateLimit'],
    [{ newReadersPerAddress: 'many' }, 'newReadersPerAddress'],
    [{ trendsRateLimit: -1 }, 'trendsRateLimit'],
    [{ anonymous: 'yes' }, 'anonymous'],
    [{ rateLimitRedisUrl: 'http://cache' }, 'rateLimitRedisUrl'],
    [{ embedTalies: false }, 'unknown option(s): embedTalies'],
    [{ streamMaxBufferBytes: 1023 }, 'streamMaxBufferBytes'],
    [{ streamMaxBufferBytes: 'lots' }, 'streamMaxBufferBytes'],
    [{ streamMaxLifetimeSeconds: 0 }, 'streamMaxLifetimeSeconds'],
    [{ streamHeartbeatSeconds: 26 }, 'streamHeartbeatSeconds'],
  ])('refuses %j, naming %s', (change, named) => {
    expect(messageOf({ ...valid(), ...change })).toContain(named);
  });

  // GraphQL refuses these names as enum values (ReactionKind), which would stop the start later
  // and less clearly; as JSON keys they are also easy to confuse with the values themselves.
  it.each(['true', 'false', 'null'])('refuses the kind %s, which GraphQL cannot take as an enum value', (kind) => {
    expect(messageOf({ ...valid(), kinds: [DEFAULT_KINDS[0], { kind, label: 'Odd', emoji: '🤔' }] })).toContain('kinds[1].kind');
    expect(messageOf({ ...valid(), kinds: [DEFAULT_KINDS[0], { kind, label: 'Odd', emoji: '🤔' }] })).toContain(kind);
  });

  it('still accepts kinds that only begin with those words', () => {
    expect(messageOf({ ...valid(), kinds: [{ kind: 'true_story', label: 'True story', emoji: '📰' }, { kind: 'nullify', label: 'Nullify', emoji: '🚫' }] })).toBe('');
  });

  it('gives the live stream bounded defaults', () => {
    expect(config.default({ env })).toMatchObject({ streamMaxBufferBytes: 65536, streamMaxLifetimeSeconds: 3600, streamHeartbeatSeconds: 20 });
    expect(messageOf({ ...valid(), streamMaxBufferBytes: 1024, streamMaxLifetimeSeconds: 1 })).toBe('');
  });
});
