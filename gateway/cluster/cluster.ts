// Every core of one machine for a stateless server (the gateway, the councils proxy): node:cluster forks
// the number of worker processes it is given (BINFO_WORKERS, read by config/), all accepting connections on
// the same port (the primary hands new connections to the workers in turn). The primary only supervises: it waits until every worker is ready,
// restarts a worker that dies, forwards SIGHUP (re-read councils.yaml) to each, and on SIGTERM or SIGINT
// stops them all. What workers share goes through Redis (BINFO_REDIS_URL: the entity cache); each keeps its
// own response cache, query-plan cache, rate-limit buckets and /metrics.
import cluster, { type Worker } from 'node:cluster';

const READY = 'binfo-worker-ready';

export const isClusterWorker = (): boolean => cluster.isWorker;

/** In a worker: tells the primary this worker is ready (its server is listening). */
export function reportWorkerReady(url: string): void {
  process.send?.({ type: READY, url });
}

export interface RunningCluster {
  /** What the first ready worker reported (they all listen on the same address). */
  url: string;
  workers: number;
  close(): Promise<void>;
}

export interface ClusterOptions {
  workers: number;
  /** For log lines: "gateway", "councils proxy". */
  name: string;
  log?: (message: string) => void;
  /** How long a worker may take to become ready. */
  readyTimeoutMs?: number;
}

/**
 * In the primary: forks the workers (each runs this same script with the same arguments) and resolves once
 * every one is ready. A worker that exits unexpectedly is replaced, at most once a second.
 */
export async function startCluster(options: ClusterOptions): Promise<RunningCluster> {
  const log = options.log ?? ((message: string) => console.error(message));
  let stopping = false;
  const fork = (): Promise<{ worker: Worker; url: string }> =>
    new Promise((resolve, reject) => {
      const worker = cluster.fork({ BINFO_WORKER: '1' });
      const timer = setTimeout(() => reject(new Error(`a ${options.name} worker was not ready within ${options.readyTimeoutMs ?? 60_000} ms`)), options.readyTimeoutMs ?? 60_000);
      worker.on('message', (message: { type?: string; url?: string }) => {
        if (message?.type !== READY) return;
        clearTimeout(timer);
        resolve({ worker, url: String(message.url) });
      });
      worker.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`a ${options.name} worker exited before it was ready (${signal ?? `code ${code}`})`));
      });
    });

  let lastRestart = 0;
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    log(`${options.name} worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting another`);
    const wait = Math.max(0, lastRestart + 1000 - Date.now());
    lastRestart = Date.now() + wait;
    setTimeout(() => {
      if (!stopping) fork().catch((error) => log(`${options.name} worker did not restart: ${(error as Error).message}`));
    }, wait).unref();
  });
  const onHangUp = () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGHUP');
  };
  process.on('SIGHUP', onHangUp);

  let started: Array<{ worker: Worker; url: string }>;
  try {
    started = await Promise.all(Array.from({ length: options.workers }, fork));
  } catch (error) {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
    throw error;
  }
  return {
    url: started[0].url,
    workers: options.workers,
    close: async () => {
      stopping = true;
      process.off('SIGHUP', onHangUp);
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
      await Promise.all(
        workers.map(
          (worker) =>
            new Promise<void>((resolve) => {
              if (worker.isDead()) return resolve();
              const force = setTimeout(() => worker.process.kill('SIGKILL'), 10_000);
              worker.once('exit', () => {
                clearTimeout(force);
                resolve();
              });
              // Each worker closes its server (finishing requests in flight) on SIGTERM, then exits.
              worker.process.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
