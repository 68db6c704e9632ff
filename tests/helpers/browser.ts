/**
 * Headless Chromium driven by playwright-core (no browser download), with the flags that keep
 * it off the network. Screenshots go to tests/artifacts/ (gitignored).
 *
 * Which Chromium: CHROMIUM_PATH if set; else Debian's /usr/bin/chromium if it is installed; else
 * the one inside the npm package @sparticuz/chromium (a devDependency). That one is unpacked once
 * per package version into the system temp directory, together with the NSS, NSPR and expat
 * libraries it links against (the package's al2023 pack), its SwiftShader libraries and a font,
 * so it needs no system package beyond the C and C++ runtimes that Node itself needs.
 */
import crypto from 'crypto';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { pipeline } from 'stream/promises';
import { promisify } from 'util';
import zlib from 'zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { APP_DIR } from './strapi';

export const ARTIFACTS_DIR = path.join(APP_DIR, 'tests', 'artifacts');

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

type Chromium = { executablePath: string; env?: Record<string, string> };

/** Unpacks a ustar archive of files and directories (all that the package's packs hold) into `dir`. */
const untar = (archive: Buffer, dir: string) => {
  for (let offset = 0; offset + 512 <= archive.length; ) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) return;
    const field = (start: number, length: number) => header.toString('utf8', start, start + length).replace(/\0.*$/s, '').trim();
    const name = path.join(field(345, 155), field(0, 100));
    const size = parseInt(field(124, 12) || '0', 8);
    const type = field(156, 1) || '0';
    const target = path.resolve(dir, name);
    if (!target.startsWith(path.resolve(dir) + path.sep)) throw new Error(`Unsafe path in archive: ${name}`);
    if (type === '5') fs.mkdirSync(target, { recursive: true });
    else if (type === '0') {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, archive.subarray(offset + 512, offset + 512 + size), { mode: parseInt(field(100, 8), 8) & 0o777 });
    } else throw new Error(`Unexpected entry type ${type} in archive: ${name}`);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
};

/** Brotli-compressed `archive` into `dir`: a tar is unpacked there, a single file written as `name`. */
const inflate = async (archive: string, dir: string, name?: string) => {
  if (name) {
    await pipeline(fs.createReadStream(archive), zlib.createBrotliDecompress(), fs.createWriteStream(path.join(dir, name), { mode: 0o755 }));
  } else {
    untar(await promisify(zlib.brotliDecompress)(await fs.promises.readFile(archive)), dir);
  }
};

/**
 * Unpacks @sparticuz/chromium into <tmp>/sparticuz-chromium-<version>-<uid>/ unless a complete
 * copy is already there. Unpacked into a private directory first and renamed into place, so a
 * concurrent or interrupted run never sees half a browser.
 */
const unpackNpmChromium = async (): Promise<Chromium> => {
  const binDir = path.join(path.dirname(require.resolve('@sparticuz/chromium')), '..', '..', 'bin');
  const { version } = JSON.parse(fs.readFileSync(path.join(binDir, '..', 'package.json'), 'utf8')) as { version: string };
  const dir = path.join(os.tmpdir(), `sparticuz-chromium-${version}-${os.userInfo().uid}`);
  if (!fs.existsSync(path.join(dir, 'chromium'))) {
    const staging = `${dir}.partial-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
    fs.mkdirSync(staging, { recursive: true });
    try {
      await Promise.all([
        inflate(path.join(binDir, 'chromium.br'), staging, 'chromium'),
        inflate(path.join(binDir, 'swiftshader.tar.br'), staging),
        inflate(path.join(binDir, 'al2023.tar.br'), staging), // lib/: libnss3, libnspr4, libexpat, ...
        inflate(path.join(binDir, 'fonts.tar.br'), path.join(staging, 'fonts')),
      ]);
      // The system's fonts when it has a fontconfig setup (emoji too, with fonts-noto-color-emoji), plus the bundled one.
      fs.writeFileSync(
        path.join(staging, 'fonts.conf'),
        `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n` +
          `  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n` +
          `  <dir>${path.join(dir, 'fonts', 'fonts')}</dir>\n  <cachedir>${path.join(dir, 'fontconfig-cache')}</cachedir>\n</fontconfig>\n`
      );
      fs.renameSync(staging, dir);
    } catch (error) {
      fs.rmSync(staging, { recursive: true, force: true });
      // Another run finished first: use its copy.
      if (!fs.existsSync(path.join(dir, 'chromium'))) throw error;
    }
  }
  const libDir = path.join(dir, 'lib');
  return {
    executablePath: path.join(dir, 'chromium'),
    env: {
      LD_LIBRARY_PATH: process.env.LD_LIBRARY_PATH ? `${libDir}:${process.env.LD_LIBRARY_PATH}` : libDir,
      FONTCONFIG_FILE: path.join(dir, 'fonts.conf'),
    },
  };
};

let npmChromium: Promise<Chromium> | undefined;

const findChromium = (): Promise<Chromium> => {
  if (process.env.CHROMIUM_PATH) return Promise.resolve({ executablePath: process.env.CHROMIUM_PATH });
  if (fs.existsSync(DEBIAN_CHROMIUM)) return Promise.resolve({ executablePath: DEBIAN_CHROMIUM });
  npmChromium ??= unpackNpmChromium();
  return npmChromium;
};

export const launchBrowser = async (): Promise<Browser> => {
  const { executablePath, env } = await findChromium();
  return chromium.launch({
    executablePath,
    env: env && { ...process.env, ...env },
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
      // Tests talk to loopback only: any other host fails at once instead of waiting on a
      // network this machine may not have (the admin panel may try outside services).
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
    ],
  });
};

export const screenshotPath = (name: string) => {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return path.join(ARTIFACTS_DIR, `${name}.png`);
};

/**
 * Polls a browser-side expression until it is truthy. (page.waitForFunction would `eval` a string
 * predicate, which the demo page's Content-Security-Policy rightly forbids; CDP evaluation is not
 * affected.)
 */
export const waitForExpression = async (page: Page, expression: string, timeoutMs = 15000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate<boolean>(expression))) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};
