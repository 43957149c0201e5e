/**
 * The real parts of a chaos run or a benchmark, each in its own process so it can be killed and restarted: a PostgreSQL
 * server of its own (restarting the machine's shared one would hit other work), a Temporal dev server on a
 * SQLite file, and our worker and API as `node dist/...` processes configured by environment alone.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startDevServer, type DevServer } from './dev-server';
import { requireTemporalCli } from '../install/temporal-binaries';
import { PROJECT_ROOT } from '../../lib/paths';

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** PostgreSQL's binaries (Debian puts them under /usr/lib/postgresql/<version>/bin). */
function pgBin(name: string): string {
  const root = '/usr/lib/postgresql';
  const version = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a))[0] : undefined;
  const candidate = version ? path.join(root, version, 'bin', name) : name;
  return existsSync(candidate) ? candidate : name;
}

/** PostgreSQL refuses to run as root: run its tools as the postgres user when we are root. */
function asPostgres(cmd: string, args: string[]): { file: string; args: string[] } {
  return process.getuid?.() === 0 ? { file: 'runuser', args: ['-u', 'postgres', '--', cmd, ...args] } : { file: cmd, args };
}

/** A throwaway PostgreSQL server. */
export class ChaosPostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/sampark_atr`;
  }

  static async start(port: number): Promise<ChaosPostgres> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sampark-chaos-pg-'));
    const data = path.join(dir, 'data');
    mkdirSync(data);
    if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
    const init = asPostgres(pgBin('initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    execFileSync(init.file, init.args, { stdio: 'ignore' });
    const pg = new ChaosPostgres(dir, port);
    pg.ctl('start');
    return pg;
  }

  private ctl(action: 'start' | 'restart' | 'stop'): void {
    const opts = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
    const cmd = asPostgres(pgBin('pg_ctl'), ['-D', path.join(this.dir, 'data'), '-o', opts, '-l', path.join(this.dir, 'log'), '-w', '-t', '60', ...(action === 'start' ? [] : ['-m', 'fast']), action]);
    execFileSync(cmd.file, cmd.args, { stdio: 'ignore' });
  }

  /** Restarts the server (fast shutdown: connections drop, as in a failover). */
  restart(): void {
    this.ctl('restart');
  }

  stop(): void {
    try {
      this.ctl('stop');
    } catch {
      // already down
    }
  }
}

/** The Temporal dev server on a SQLite file, restartable on the same file and port. */
export class ChaosTemporal {
  private server: DevServer | undefined;

  constructor(
    readonly port: number,
    /** Omitted: in memory (a restart then loses everything; benchmarks only). */
    readonly dbFile?: string,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = await startDevServer({ cliPath: requireTemporalCli().path, port: this.port, logLevel: 'error', ...(this.dbFile ? { dbFile: this.dbFile } : {}) });
  }

  /** The server's process id while it runs (for memory figures). */
  get pid(): number | undefined {
    return this.server?.child.pid;
  }

  async restart(): Promise<void> {
    await this.server?.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }
}

/** One of our processes (`node dist/<script>`), killable with SIGKILL and restartable with the same environment. */
export class AppProcess {
  private child: ChildProcess | undefined;
  private output = '';
  kills = 0;

  constructor(
    readonly script: string,
    readonly env: Record<string, string>,
  ) {}

  start(): void {
    this.child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'dist', this.script)], {
      env: { PATH: process.env.PATH ?? '', ...this.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child.stderr!.on('data', (c: Buffer) => {
      this.output = (this.output + c.toString()).slice(-20_000);
    });
  }

  /** The process id while it runs (for memory figures). */
  get pid(): number | undefined {
    return this.child?.exitCode === null ? this.child.pid : undefined;
  }

  /** kill -9: no cleanup, no draining, in-flight work lost mid-way. */
  async killHard(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    this.kills++;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  }

  /** The tail of what it wrote to stderr (for a failing run's report). */
  get log(): string {
    return this.output;
  }
}
