// A remote-write receiver for the benchmarks, in the bench's own process: it decodes every
// request (snappy, protobuf), so its CPU is counted with the bench's, and counts what came.
import { once } from 'node:events';
import { createServer } from 'node:http';
import { decodeWriteRequest, snappyUncompress } from '@arcbox/perf-remote-write';

export async function startWriteReceiver() {
  const wire = { requests: 0, bytes: 0, samples: 0 };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      wire.requests += 1;
      wire.bytes += body.length;
      for (const s of decodeWriteRequest(snappyUncompress(body, 64 << 20)))
        wire.samples += s.samples.length;
      res.writeHead(204).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    wire,
    url: `http://127.0.0.1:${server.address().port}/api/v1/write`,
    close: () => server.close(),
  };
}
