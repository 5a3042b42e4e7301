// An APFS volume's BSD name is its container's synthesized disk plus a slice (`disk3s5`); the
// sealed system snapshot mounted at / adds one more (`disk3s1s1`).
const apfsVolumePattern = /^\/dev\/(disk\d+)s\d+(?:s\d+)?$/;

/**
 * The APFS container whose free space a mounted volume shares (`/dev/disk3s1s1` and
 * `/dev/disk3s5` → `disk3`), used as the reading's `sharedSpace`; null for any other filesystem
 * (an HFS+ or exFAT partition `disk2s2` has space of its own) or a name of another shape.
 */
export function apfsContainerOf(device: string, fsType: string): string | null {
  if (fsType !== 'apfs') return null;
  return apfsVolumePattern.exec(device)?.[1] ?? null;
}
