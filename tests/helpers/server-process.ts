/**
 * Runs Strapi as a separate production-like process (`strapi start` on the compiled build), for
 * tests that need what an in-process boot cannot give: a real browser, SIGKILL, two instances.
 */
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import fs from 'fs';
import net from 'net';
import path from 'path';
import { APP_DIR, TEST_ENV } from './strapi';

export type ServerProcess = {
  url: string;
  port: number;
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
  kill: () => Promise<void>;
};

const STRAPI_BIN = path.join(APP_DIR, 'node_modules', '@strapi', 'strapi', 'bin', 'strapi.js');

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

/** Builds the admin panel once (dist/build); later calls reuse it. */
export const ensureAdminBuild = () => {
  if (fs.existsSync(path.join(APP_DIR, 'dist', 'build', 'index.html'))) return;
  const result = spawnSync(process.execPath, [STRAPI_BIN, 'build'], {
    cwd: APP_DIR,
    env: { ...process.env, ...TEST_ENV, NODE_ENV: 'production' },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`strapi build failed:\n${result.stdout}\n${result.stderr}`);
};

const waitForHealth = async (url: string, child: ChildProcess, output: () => string, timeoutMs = 90000) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Strapi exited with ${child.exitCode}:\n${output()}`);
    try {
      const res = await fetch(`${url}/_health`);
      if (res.status === 204 || res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`Strapi did not become healthy in time:\n${output()}`);
};

export const startServerProcess = async (env: Record<string, string>, { admin = false } = {}): Promise<ServerProcess> => {
  const port = await freePort();
  const child = spawn(process.execPath, [STRAPI_BIN, 'start'], {
    cwd: APP_DIR,
    env: {
      ...process.env,
      ...TEST_ENV,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      SERVE_ADMIN_PANEL: admin ? 'true' : 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (chunk) => (log += chunk));
  child.stderr?.on('data', (chunk) => (log += chunk));
  const output = () => log.slice(-8000);
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, child, output);
  const exited = () =>
    new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
  return {
    url,
    port,
    child,
    output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited();
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited();
    },
  };
};
