import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createTopSplitter, parseTopDisks, parseTopNetworks, parseTopSample } from '../../../lib/platform/darwin/top.js';
import { readDarwinFixture } from './fixtures.js';

const K = 1024;
const G = 1024 ** 3;

test('top -l (Ventura, default columns): rows read by the header, MEM in bytes, states', () => {
  const sample = parseTopSample(readDarwinFixture('top/top-l1-ventura-2023.txt'));
  assert.equal(sample.processes.map((p) => [p.pid, p.command, p.cpu, p.mem, p.state]), [
    [76411, 'top', 0, 3408 * K, 'running'],
    [76410, 'wifip2pd', 0, 1200 * K, 'sleeping'],
    [76409, 'mdworker_shared', 0, 1224 * K, 'sleeping'],
  ]);
  assert.equal(sample.disks, { reads: 47141316, readBytes: 4825 * G, writes: 32699922, writtenBytes: 4607 * G, granularity: G });
  assert.equal(sample.networks, { packetsIn: 58024613, bytesIn: 40 * G, packetsOut: 43233080, bytesOut: 8920 * 1024 ** 2 });
});

test('top -l (2026, JETPRI column): the 16-character COMMAND cut and the extra columns', () => {
  const sample = parseTopSample(readDarwinFixture('top/top-l-2026-header.txt'));
  assert.equal(sample.processes.map((p) => [p.pid, p.command, p.mem]), [[99060, 'ContainerMetadat', 4208 * K], [98518, 'com.apple.Safari', 6561 * K]]);
  assert.equal(sample.disks, { reads: 65403336, readBytes: 832 * G, writes: 42912018, writtenBytes: 1749 * G, granularity: G });
});

test('-stats pid,cpu,mem,state,command: COMMAND last keeps its spaces; change markers (+/-) are not part of MEM', () => {
  const text = 'Processes: 2 total\nDisks: 1/2M read, 3/4K written.\n\nPID    %CPU MEM    STATE    COMMAND\n707    29.0 828M+  sleeping iTerm2\n14642  20.2 433M-  sleeping Notion Helpe\n';
  const { processes } = parseTopSample(text);
  assert.equal(processes.map((p) => [p.pid, p.cpu, p.mem, p.command]), [[707, 29, 828 * 1024 ** 2, 'iTerm2'], [14642, 20.2, 433 * 1024 ** 2, 'Notion Helpe']]);
});

test('the splitter yields one text per sample, the last one when the output goes quiet', () => {
  const samples: string[] = [];
  const splitter = createTopSplitter((s) => samples.push(s));
  const one = readDarwinFixture('top/top-l1-ventura-2023.txt');
  splitter.push(one.slice(0, 100));
  splitter.push(one.slice(100) + one.slice(0, 80)); // the next sample's first line is complete
  assert.is(samples.length, 1);
  assert.is(parseTopSample(samples[0]!).processes.length, 3);
  splitter.push(one.slice(80));
  splitter.flush();
  assert.is(samples.length, 2);
  assert.is(parseTopSample(samples[1]!).processes.length, 3);
});

test('header lines that are not counters, and garbage', () => {
  assert.is(parseTopDisks('Disks: n/a'), null);
  assert.is(parseTopNetworks('Networks: packets: x/y in'), null);
  assert.throws(() => parseTopSample('Processes: 1 total\nsegmentation fault\n'), /no process table/);
});

test.run();
