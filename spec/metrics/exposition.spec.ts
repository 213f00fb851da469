import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Exposition, escapeHelp, escapeLabelValue, formatLabels, formatValue } from '../../lib/metrics/exposition.js';
import { promtoolCheck } from '../helpers/promtool.js';

test('label values escape backslash, double quote and line feed, and nothing else', () => {
  assert.is(escapeLabelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
  assert.is(escapeLabelValue('Navi 23 [Radeon RX 6600/6600 XT'), 'Navi 23 [Radeon RX 6600/6600 XT');
  assert.is(escapeLabelValue('Ünïcode, 显卡'), 'Ünïcode, 显卡');
  assert.is(formatLabels({ gpu: 0, name: 'say "hi"' }), '{gpu="0",name="say \\"hi\\""}');
});

test('HELP escapes backslash and line feed but keeps quotes', () => {
  assert.is(escapeHelp('a\\b\n"c"'), 'a\\\\b\\n"c"');
});

test('an empty label value is the same as no label, so it is left out', () => {
  assert.is(formatLabels({ gpu: 1, uuid: '' }), '{gpu="1"}');
  assert.is(formatLabels({}), '');
});

test('numbers: integers as they are, no binary noise, exponents Prometheus reads', () => {
  assert.is(formatValue(42), '42');
  assert.is(formatValue(12.34 / 100), '0.1234');
  assert.is(formatValue(0.1 + 0.2), '0.3');
  assert.is(formatValue(2.5e21), '2.5e+21');
  assert.is(formatValue(-1.5), '-1.5');
});

test('null, undefined and non-finite values are absent samples, never 0; empty families print nothing', () => {
  const out = new Exposition();
  const f = out.family('widgets_x_celsius', 'gauge', 'X.');
  f.add({ gpu: 0 }, null);
  f.add({ gpu: 1 }, undefined);
  f.add({ gpu: 2 }, Number.NaN);
  out.family('widgets_empty_bytes', 'gauge', 'Nothing.');
  assert.is(out.render(), '');
  f.add({ gpu: 3 }, 0);
  assert.is(out.render(), '# HELP widgets_x_celsius X.\n# TYPE widgets_x_celsius gauge\nwidgets_x_celsius{gpu="3"} 0\n');
});

test('the same series twice keeps the first (Prometheus would reject the duplicate)', () => {
  const out = new Exposition();
  const f = out.family('widgets_y_bytes', 'gauge', 'Y.');
  f.add({ device: 'a' }, 1);
  f.add({ device: 'a' }, 2);
  f.add({ device: 'b' }, 3);
  assert.is(out.render().split('\n').filter((l) => l.startsWith('widgets_y_bytes')).join(';'), 'widgets_y_bytes{device="a"} 1;widgets_y_bytes{device="b"} 3');
});

test('invalid metric or label names are programming errors and throw', () => {
  const out = new Exposition();
  assert.throws(() => out.family('widgets-bad', 'gauge', 'x'), /invalid metric name/);
  out.family('widgets_ok', 'gauge', 'x');
  assert.throws(() => out.family('widgets_ok', 'gauge', 'x'), /declared twice/);
  assert.throws(() => formatLabels({ 'bad-label': 1 }), /invalid label name/);
  assert.throws(() => formatLabels({ __name__: 'x' }), /invalid label name/);
});

test('promtool (the real linter) complains about what the renderer must never produce', () => {
  const bad = promtoolCheck('# HELP widgets_x_bytes X.\n# TYPE widgets_x_bytes counter\nwidgets_x_bytes 1\n');
  assert.is.not(bad.code, 0);
  assert.match(bad.output, /_total/);
});

test.run();
