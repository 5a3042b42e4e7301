export interface PodmanLab {
  /** The temp folder holding storage, runroot, the rootfs and the socket. */
  dir: string;
  /** The Docker-compatible service's unix socket (it may take a moment to answer). */
  socket: string;
  /** podman with the lab's --root, --runroot and containers.conf. */
  podman(args: string[], timeout?: number): Promise<{ stdout: string; stderr: string }>;
  /** Stops the service and removes the lab and everything podman left outside it. */
  stop(): Promise<void>;
}

/** Why the lab cannot run here, or null. */
export function podmanLabMissing(): string | null;
export function startPodmanLab(options: {
  prefix: string;
  image: string;
  applets: string[];
}): Promise<PodmanLab>;
