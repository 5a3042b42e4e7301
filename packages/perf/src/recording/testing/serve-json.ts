import { createServer, type Server } from 'node:http';

/**
 * A constructed HTTP API on a unix socket, as Cloud Hypervisor, Firecracker and Docker-compatible
 * engines serve theirs: `answer(path)` gives each reply's status and JSON body, asked afresh per
 * request so counters can move between readings. Unknown paths are 404.
 */
export async function serveJson(
  socket: string,
  answer: (path: string) => { status: number; body: unknown } | undefined,
): Promise<{ requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push(path);
    const reply = answer(path) ?? { status: 404, body: { message: `no ${path}` } };
    res.writeHead(reply.status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return {
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
