import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseNetDev } from '../../lib/procfs/net-dev.js';
import { DEBIAN, fixture } from '../helpers/proc-trees.js';

test('every interface of a captured /proc/net/dev, loopback included', () => {
  const interfaces = parseNetDev(fixture(DEBIAN, 'proc/net/dev'));
  assert.equal(interfaces.map((i) => i.name), ['lo', 'ifb0', 'ifb1', 'eth0']);
  assert.equal(interfaces[3], { name: 'eth0', bytesRecv: 111823295, packetsRecv: 3100, bytesSent: 232453, packetsSent: 2025 });
});

test('a name followed directly by its counters (no space after the colon)', () => {
  const [one] = parseNetDev('veth1234:123 4 0 0 0 0 0 0 567 8 0 0 0 0 0 0\n');
  assert.equal(one, { name: 'veth1234', bytesRecv: 123, packetsRecv: 4, bytesSent: 567, packetsSent: 8 });
});

test.run();
