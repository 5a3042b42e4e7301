import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from './spawn-agent.js';

/** Debian's prometheus, which the remote-write tests push to. */
export const hasPrometheus = existsSync('/usr/bin/prometheus');

/** A Prometheus with its remote-write receiver on 127.0.0.1, its data in a folder it keeps. */
export interface TestPrometheus {
  readonly url: string;
  /** The end of its stderr, for a failure's message. */
  log(): string;
  /** An instant query's result list. */
  query<T>(expr: string, time?: number): Promise<T[]>;
  /** Stops it (SIGTERM) and waits for it to exit; `start` brings it back on the same port and data. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Kills it without waiting (for afterAll). */
  kill(): void;
}

/** Starts Prometheus in `dir` (its config and TSDB there) and waits until it is ready. */
export async function startTestPrometheus(dir: string): Promise<TestPrometheus> {
  const url = `http://127.0.0.1:${await freePort()}`;
  await writeFile(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1m\n');
  let child: ChildProcess | null = null;
  let log = '';
  const start = async () => {
    const p = spawn(
      '/usr/bin/prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'prom-data')}`,
        `--web.listen-address=${url.slice('http://'.length)}`,
        '--web.enable-remote-write-receiver',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = p;
    p.stderr?.on('data', (d: Buffer) => {
      log = (log + d.toString()).slice(-4000);
    });
    const end = Date.now() + 30_000;
    while (
      !(await fetch(`${url}/-/ready`).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      if (Date.now() > end) throw new Error(`prometheus not ready\n${log}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  await start();
  return {
    url,
    log: () => log,
    async query<T>(expr: string, time?: number) {
      const at = time === undefined ? '' : `&time=${time / 1000}`;
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}${at}`);
      const body = (await res.json()) as { data: { result: T[] } };
      return body.data.result;
    },
    async stop() {
      const p = child;
      if (!p || p.exitCode !== null) return;
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      await exited;
      child = null;
    },
    start,
    kill() {
      child?.kill('SIGTERM');
    },
  };
}
