/**
 * Seeds the sample newsroom on first start of an empty database in development (or whenever
 * SEED_SAMPLE_CONTENT=true). Idempotent: documents are matched by slug, and sample reactions
 * come from fixed sample readers, who have at most one reaction per document anyway.
 */
import crypto from 'crypto';
import type { Core } from '@strapi/strapi';
import { SAMPLE_ARTICLES, SAMPLE_VIDEO, type SampleArticle } from './sample-content';

export const shouldSeed = (strapi: Core.Strapi): boolean => {
  const flag = process.env.SEED_SAMPLE_CONTENT;
  if (flag === 'true') return true;
  if (flag === 'false') return false;
  return strapi.config.get('environment') === 'development' && process.env.NODE_ENV !== 'test';
};

const slugify = (text: string) =>
  text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);

const text = (value: string) => [{ type: 'text', text: value }];

const bodyOf = (article: SampleArticle) => [
  ...article.paragraphs.map((paragraph) => ({ type: 'paragraph', children: text(paragraph) })),
  { type: 'heading', level: 2, children: text(article.subheading) },
  { type: 'quote', children: text(article.quote) },
  ...article.closing.map((paragraph) => ({ type: 'paragraph', children: text(paragraph) })),
];

/** The part of the reactions plugin's rules service the seeder uses (the app does not compile the plugin's types). */
type ReactionRules = {
  set(uid: string, documentId: string, reader: SampleReader, kind: string): Promise<unknown>;
};

type SampleReader = { key: string; type: 'anonymous'; userId: null; issuedToken: null; isNew: false };

/** A fixed sample reader: the key is derived like a real one, so it can never collide with a reader's. */
const sampleReader = (n: number): SampleReader => ({
  key: crypto.createHash('sha256').update(`sample-reader:${n}`).digest('base64url'),
  type: 'anonymous',
  userId: null,
  issuedToken: null,
  isNew: false,
});

const addReactions = async (strapi: Core.Strapi, uid: string, documentId: string, reactions: Record<string, number>) => {
  const service = strapi.plugin('reactions').service('rules') as ReactionRules;
  let reader = 0;
  for (const [kind, count] of Object.entries(reactions)) {
    for (let i = 0; i < count; i += 1) {
      reader += 1;
      await service.set(uid, documentId, sampleReader(reader), kind);
    }
  }
};

const ensureDocument = async (strapi: Core.Strapi, uid: 'api::article.article' | 'api::video.video', data: Record<string, unknown>) => {
  const slug = data.slug as string;
  const existing = await strapi.documents(uid).findFirst({ filters: { slug }, status: 'published' });
  if (existing) return { documentId: existing.documentId as string, created: false };
  const created = await strapi.documents(uid).create({ data: data as never, status: 'published' });
  return { documentId: created.documentId as string, created: true };
};

export const seedSampleContent = async (strapi: Core.Strapi) => {
  let created = 0;
  for (const article of SAMPLE_ARTICLES) {
    const result = await ensureDocument(strapi, 'api::article.article', {
      title: article.title,
      slug: slugify(article.title),
      lead: article.lead,
      category: article.category,
      byline: article.byline,
      dateline: article.dateline,
      body: bodyOf(article),
    });
    if (result.created) created += 1;
    await addReactions(strapi, 'api::article.article', result.documentId, article.reactions);
  }
  const video = await ensureDocument(strapi, 'api::video.video', {
    title: SAMPLE_VIDEO.title,
    slug: slugify(SAMPLE_VIDEO.title),
    summary: SAMPLE_VIDEO.summary,
    videoUrl: SAMPLE_VIDEO.videoUrl,
    durationSeconds: SAMPLE_VIDEO.durationSeconds,
    byline: SAMPLE_VIDEO.byline,
  });
  if (video.created) created += 1;
  await addReactions(strapi, 'api::video.video', video.documentId, SAMPLE_VIDEO.reactions);
  if (created > 0) strapi.log.info(`Seeded ${created} sample documents with reactions.`);
  return { created };
};
