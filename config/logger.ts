import { formats, winston } from '@strapi/logger';

// LOG_LEVEL=warn quiets request logs (the test harness does this); the default shows them.
export default {
  level: process.env.LOG_LEVEL || 'http',
  transports: [new winston.transports.Console({ format: formats.prettyPrint() })],
};
