/**
 * Debian's Chromium driven by playwright-core (no browser download), headless, with the flags
 * that keep it off the network. Screenshots go to tests/artifacts/ (gitignored).
 */
import fs from 'fs';
import path from 'path';
import { chromium, type Browser } from 'playwright-core';
import { APP_DIR } from './strapi';

export const ARTIFACTS_DIR = path.join(APP_DIR, 'tests', 'artifacts');

export const launchBrowser = async (): Promise<Browser> =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
    ],
  });

export const screenshotPath = (name: string) => {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return path.join(ARTIFACTS_DIR, `${name}.png`);
};
