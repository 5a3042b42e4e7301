import { readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { NetInterfaceReading, SourceProblem } from '@arcbox/perf-core';
import type { FileReader } from '../fs/file-reader.js';
import { parseNetDev } from '../host/parse-net-dev.js';

export interface ContainerNetwork {
  interfaces: NetInterfaceReading[] | null;
  problem: SourceProblem | null;
  /** The process was gone: another one of the cgroup may still be read. */
  gone: boolean;
}

/**
 * What a collector keeps of the process it reads the network through, from one lookup of its
 * pid in cgroup.procs to the next: the paths, built once, and its namespace once read. A process
 * does not change namespace once it is in a container's cgroup, so the link is not re-read until
 * cgroup.procs is (every limits refresh): an own namespace is read through the kept net/dev
 * descriptor, which reads the namespace it was opened in anyway, and a process found in the
 * host's namespace stays reported so until then. An unreadable link is tried again each time.
 */
export interface KnownProcess {
  pid: number;
  nsLink: string;
  netDev: string;
  netns: string | undefined;
  /** The answer for a process in the host's namespace, made once (it holds until renewed). */
  inHost?: ContainerNetwork;
}

export function knowProcess(root: string, pid: number): KnownProcess {
  return {
    pid,
    nsLink: join(root, 'proc', String(pid), 'ns/net'),
    netDev: `proc/${pid}/net/dev`,
    netns: undefined,
  };
}

function readNetns(link: string): string | null {
  try {
    return readlinkSync(link);
  } catch {
    return null;
  }
}

/**
 * The network namespace inode of a process (`net:[4026531840]`), or null when it cannot be
 * read (process gone, or a recording, which has no namespace links).
 */
export function netNamespaceOf(root: string, pid: number | 'self' | 1): string | null {
  try {
    return readlinkSync(join(root, 'proc', String(pid), 'ns/net'));
  } catch {
    return null;
  }
}

/**
 * Interfaces of a container's network namespace from /proc/<pid>/net/dev of one of its
 * processes (SEMANTICS.md). A process that shares the host's namespace would report the host's
 * traffic as the container's, so it gives no interfaces and a problem saying why. In a
 * recording the namespace link is absent: the net/dev file is there only when it was read live,
 * which happened only for a namespace of its own.
 */
export function readContainerNetwork(
  reader: FileReader,
  pid: number | null,
  hostNetns: string | null,
  /** The process `pid` as kept by the caller (same pid). */
  known?: KnownProcess,
): ContainerNetwork {
  if (pid === null) {
    return {
      interfaces: null,
      gone: false,
      problem: { source: 'cgroup.procs', message: 'no process in the cgroup: network unknown' },
    };
  }
  let netns: string | null;
  if (known === undefined) netns = netNamespaceOf(reader.root, pid);
  else {
    netns = known.netns ?? readNetns(known.nsLink);
    if (netns !== null) known.netns = netns;
  }
  if (netns !== null && hostNetns !== null && netns === hostNetns) {
    if (known === undefined) return sharesHostNetwork(pid);
    known.inHost ??= sharesHostNetwork(pid);
    return known.inHost;
  }
  const file = known ? known.netDev : `proc/${pid}/net/dev`;
  let text: string | null;
  try {
    text = reader.read(file);
  } catch (error) {
    return {
      interfaces: null,
      gone: false,
      problem: { source: file, message: (error as Error).message, code: 'READ_ERROR' },
    };
  }
  if (text === null || text.trim() === '') {
    return {
      interfaces: null,
      gone: true,
      problem: { source: file, message: 'process exited before its network could be read' },
    };
  }
  try {
    const interfaces = parseNetDev(text, { file }).map((s): NetInterfaceReading => {
      const loopback = s.name === 'lo';
      return {
        ...s,
        loopback,
        // Inside a container every interface is a software link (a veth end, macvlan, ipvlan),
        // and all but loopback are the container's traffic (SEMANTICS.md): summed.
        virtual: true,
        countedInTotal: !loopback,
        counterBits: 64,
      };
    });
    return { interfaces, problem: null, gone: false };
  } catch (error) {
    return {
      interfaces: null,
      gone: false,
      problem: { source: file, message: (error as Error).message, code: 'PARSE_ERROR' },
    };
  }
}

function sharesHostNetwork(pid: number): ContainerNetwork {
  return {
    interfaces: null,
    gone: false,
    problem: {
      source: `proc/${pid}/ns/net`,
      message:
        'shares the host network namespace: its traffic is not counted as the container\u2019s',
    },
  };
}
