// A FUSE server speaking the kernel protocol on /dev/fuse directly (no libfuse), so a test can
// have a mount whose statfs really hangs in the kernel, as on a dead NFS or sshfs server.
// Usage: node hung-fuse-server.mjs <mount point>. Prints "ready" once mounted and
// "statfs <n>" for every STATFS request the kernel sends. STATFS requests are held unanswered
// until a line "answer" arrives on stdin; from then on they are answered at once. Exits when
// stdin closes; closing /dev/fuse aborts the connection, so held callers get ENOTCONN.
import { spawnSync } from 'node:child_process';
import { openSync, read, writeSync } from 'node:fs';

const FUSE_INIT = 26;
const FUSE_STATFS = 17;
const NO_REPLY = new Set([2, 36, 42]); // FORGET, INTERRUPT, BATCH_FORGET
const ENOSYS = 38;

const mountPoint = process.argv[2];
const fd = openSync('/dev/fuse', 'r+');
const mounted = spawnSync(
  'mount',
  ['-i', '-t', 'fuse', '-o', 'fd=3,rootmode=40000,user_id=0,group_id=0', 'arcbox-hung', mountPoint],
  { stdio: ['ignore', 'inherit', 'inherit', fd] },
);
if (mounted.status !== 0) process.exit(1);

const reply = (unique, error, body = Buffer.alloc(0)) => {
  const out = Buffer.alloc(16 + body.length);
  out.writeUInt32LE(out.length, 0);
  out.writeInt32LE(error, 4);
  out.writeBigUInt64LE(unique, 8);
  body.copy(out, 16);
  writeSync(fd, out);
};

// fuse_init_out (64 bytes): protocol 7.31, max_readahead and max_write 64 KiB.
const initOut = () => {
  const b = Buffer.alloc(64);
  b.writeUInt32LE(7, 0);
  b.writeUInt32LE(31, 4);
  b.writeUInt32LE(65536, 8);
  b.writeUInt32LE(65536, 20);
  return b;
};

// fuse_kstatfs: 1000 blocks, 600 free, 500 available, 100 inodes (40 free); f_bsize 4096 but
// f_frsize 512, as some FUSE servers answer: the counts are in f_frsize units.
const statfsOut = () => {
  const b = Buffer.alloc(80);
  const counts = [1000n, 600n, 500n, 100n, 40n];
  for (const [i, v] of counts.entries()) b.writeBigUInt64LE(v, i * 8);
  b.writeUInt32LE(4096, 40);
  b.writeUInt32LE(255, 44);
  b.writeUInt32LE(512, 48);
  return b;
};

const held = [];
let answering = false;
let statfsCount = 0;
process.stdin.setEncoding('utf8');
process.stdin.on('data', (text) => {
  if (!text.includes('answer')) return;
  answering = true;
  for (const unique of held.splice(0)) reply(unique, 0, statfsOut());
});
process.stdin.on('end', () => process.exit(0));

const buffer = Buffer.alloc(1 << 20);
const next = () =>
  read(fd, buffer, 0, buffer.length, null, (error) => {
    if (error) process.exit(error.code === 'ENODEV' ? 0 : 1);
    const opcode = buffer.readUInt32LE(4);
    const unique = buffer.readBigUInt64LE(8);
    if (opcode === FUSE_INIT) reply(unique, 0, initOut());
    else if (opcode === FUSE_STATFS) {
      statfsCount += 1;
      process.stdout.write(`statfs ${statfsCount}\n`);
      if (answering) reply(unique, 0, statfsOut());
      else held.push(unique);
    } else if (!NO_REPLY.has(opcode)) reply(unique, -ENOSYS);
    next();
  });
process.stdout.write('ready\n');
next();
