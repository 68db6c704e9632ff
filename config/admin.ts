import type { Core } from '@strapi/strapi';

export default ({ env }: Core.Config.Shared.ConfigParams) => ({
  auth: {
    secret: env('ADMIN_JWT_SECRET'),
  },
  apiToken: {
    salt: env('API_TOKEN_SALT'),
  },
  transfer: {
    token: {
      salt: env('TRANSFER_TOKEN_SALT'),
    },
  },
  secrets: {
    encryptionKey: env('ENCRYPTION_KEY'),
  },
  flags: {
    nps: false,
    promoteEE: false,
  },
  // Nothing may call out to the internet: no browser opened, no Strapi AI service.
  autoOpen: false,
  ai: { enabled: false },
  // Headless instances (tests, API-only nodes) may run without the admin bundle.
  serveAdminPanel: env.bool('SERVE_ADMIN_PANEL', true),
  watchIgnoreFiles: ['**/tests/**', '**/bench/**', '**/.tmp/**'],
});
