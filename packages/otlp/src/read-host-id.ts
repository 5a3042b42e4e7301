import { open } from 'node:fs/promises';

/**
 * The host's `host.id` for OpenTelemetry: the machine id (`/etc/machine-id` on Linux, 32 hex
 * digits), or null where there is none or it is not one (read at most 64 bytes).
 */
export async function readHostId(path = '/etc/machine-id'): Promise<string | null> {
  let handle: Awaited<ReturnType<typeof open>> | null = null;
  try {
    handle = await open(path, 'r');
    const buffer = Buffer.alloc(64);
    const { bytesRead } = await handle.read(buffer, 0, 64, 0);
    const id = buffer.subarray(0, bytesRead).toString('utf8').trim();
    return /^[0-9a-f]{32}$/.test(id) ? id : null;
  } catch {
    return null;
  } finally {
    await handle?.close();
  }
}
