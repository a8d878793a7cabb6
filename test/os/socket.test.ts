import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rcvbufForRequest, sndbufForRequest } from '../../src/os/socket.js';

test('SO_SNDBUF/SO_RCVBUF: the request capped by net.core.*mem_max, then doubled, never below the minimum', () => {
  const p = { coreWmemMaxBytes: 131071, coreRmemMaxBytes: 131071 };
  assert.equal(sndbufForRequest(16384, p), 32768, "p4's 16 KiB request");
  assert.equal(rcvbufForRequest(16384, p), 32768);
  assert.equal(sndbufForRequest(1 << 20, p), 262142, 'capped at wmem_max before doubling');
  assert.equal(rcvbufForRequest(1 << 20, { coreRmemMaxBytes: 65535 }), 131070);
  assert.equal(sndbufForRequest(100, p), 2048, 'SOCK_MIN_SNDBUF');
  assert.equal(rcvbufForRequest(100, p), 256, 'SOCK_MIN_RCVBUF');
});
