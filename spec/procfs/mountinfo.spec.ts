import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseMountinfo } from '../../lib/procfs/mountinfo.js';
import { DEBIAN, HANDMADE, fixture } from '../helpers/proc-trees.js';

test('the root filesystem of a captured VM', () => {
  const mounts = parseMountinfo(fixture(DEBIAN, 'proc/self/mountinfo'));
  const root = mounts.find((m) => m.mountpoint === '/');
  assert.equal(root, {
    mountId: 27, parentId: 1, device: '254:0', root: '/', mountpoint: '/', fstype: 'ext4', source: '/dev/vda',
    superOptions: 'rw,discard,resv_strict,resuid=65534,resgid=65534',
  });
  assert.is(mounts.length, 20);
});

test('optional fields before the separator are skipped; \\040 in a path is a space', () => {
  const mounts = parseMountinfo(fixture(HANDMADE, 'proc/self/mountinfo'));
  const passport = mounts.find((m) => m.fstype === 'fuseblk');
  assert.is(passport?.mountpoint, '/media/user/My Passport');
  assert.is(passport?.source, '/dev/sdb1');
  const bind = mounts.find((m) => m.mountpoint === '/srv/models');
  assert.is(bind?.root, '/user/models');
  assert.is(bind?.device, '259:3');
});

test.run();
