/**
 * The newsroom's admin panel settings. Nothing may call out to the internet: Strapi's admin would
 * otherwise ask api.github.com for its latest release on every sign-in, and offer tutorial videos.
 */
export default {
  config: {
    notifications: { releases: false },
    tutorials: false,
  },
  bootstrap() {},
};
