// A constructed HTTP server on a unix socket answering fixed JSON bodies by path, the way Cloud
// Hypervisor's and Firecracker's API sockets answer. Not a recording.
import { createServer, type Server } from 'node:http';

export function serveJson(
  socketPath: string,
  routes: Record<string, { status: number; body: string } | 'hang'>,
): Promise<Server> {
  const server = createServer((req, res) => {
    const route = routes[req.url ?? ''];
    if (route === 'hang') return;
    res.writeHead(route?.status ?? 404, { 'Content-Type': 'application/json' });
    res.end(route?.body ?? '');
  });
  return new Promise((resolve) => server.listen(socketPath, () => resolve(server)));
}

export function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
