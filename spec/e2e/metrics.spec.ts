// GET /metrics from the built service: linted by the real `promtool check metrics` with the NVIDIA
// stand-in (2 GPUs and their processes) and the AMD stand-ins, read back against /api/stats, and
// shown to wake the collectors like any reader and let them stop after the linger.
import { test } from 'uvu';
import { readFileSync } from 'node:fs';
import * as assert from 'uvu/assert';
import { getJson, startService, type RunningService } from '../helpers/service.js';
import { fakeGpuPath, fixture, type FakeTool } from '../helpers/fake-gpu-path.js';
import { find, parseSamples, promtoolCheck, type PromSample } from '../helpers/promtool.js';
import { TOPICS } from '../../lib/types.js';

const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
const nvidia = (f: string) => fixture(`nvidia-smi/${f}`);

async function withService(vars: Record<string, string>, tools: FakeTool[], args: string[], body: (s: RunningService) => Promise<void>) {
  const fake = fakeGpuPath(vars, tools, tools.includes('nvidia-smi'));
  const service = await startService(args, fake.env);
  try {
    await body(service);
  } finally {
    await service.stop();
    fake.cleanup();
  }
}

/** Scrapes until `done` holds for the samples (or 15 s pass), returning the last scrape. */
async function scrapeUntil(url: string, done: (s: PromSample[]) => boolean) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const res = await fetch(`${url}/metrics`);
    const text = await res.text();
    assert.is(res.status, 200, text);
    const samples = parseSamples(text);
    if (done(samples) || Date.now() > deadline) return { res, text, samples };
    await new Promise((r) => setTimeout(r, 200));
  }
}

const one = (samples: PromSample[], name: string, where: Record<string, string>) => {
  const found = find(samples, name, where);
  assert.is(found.length, 1, `${name} ${JSON.stringify(where)}: one sample`);
  return found[0]!.value;
};

test('NVIDIA stand-in, 2 GPUs: promtool finds nothing to complain about, and the values are /api/stats/gpu in base units', async () => {
  const vars = {
    FAKE_NVIDIA_SMI_CSV: [nvidia('query-gpu-all-fields-l40s-595.80-load.csv'), nvidia('query-gpu-all-fields-rtx4080super-linux-595.71.05-load.csv')].join(':'),
    FAKE_NVIDIA_SMI_APPS: nvidia('compute-apps-rtx4080super-linux-595.71.05-load.csv'),
  };
  await withService(vars, ['nvidia-smi'], ['--interval', '300ms'], async (service) => {
    const { res, text, samples } = await scrapeUntil(service.url, (s) => find(s, 'widgets_gpu_process_memory_bytes').length > 0);
    assert.is(res.headers.get('content-type'), CONTENT_TYPE);
    const lint = promtoolCheck(text);
    assert.is(lint.output, '', 'promtool check metrics: no warnings');
    assert.is(lint.code, 0);

    const gpus = (await getJson(`${service.url}/api/stats/gpu`)).body as any[];
    assert.is(gpus.length, 2);
    assert.is(find(samples, 'widgets_gpu_info').length, 2);
    gpus.forEach((g, i) => {
      const at = { gpu: String(i), name: g.name, vendor: 'nvidia', uuid: g.uuid };
      assert.is(one(samples, 'widgets_gpu_temperature_celsius', at), g.temperature);
      assert.is(one(samples, 'widgets_gpu_power_draw_watts', at), g.powerDraw);
      assert.is(one(samples, 'widgets_gpu_memory_size_bytes', at), g.memory.total);
      assert.is(one(samples, 'widgets_gpu_memory_used_bytes', at), g.memory.used);
      assert.is(one(samples, 'widgets_gpu_utilization_ratio', at), g.usage / 100);
      assert.is(one(samples, 'widgets_gpu_core_clock_hertz', at), g.clockCore * 1e6);
      // The L40S has no fan reading ([N/A]): null in JSON, no sample here; the 4080's 0 % is a real 0.
      const fan = find(samples, 'widgets_gpu_fan_speed_ratio', at);
      if (g.fanSpeed === null) assert.is(fan.length, 0, `gpu ${i}: null fan speed is absent, not 0`);
      else assert.equal(fan.map((s) => s.value), [g.fanSpeed / 100]);
      // By default one series per process name on each GPU, summed; no pid label.
      const sums = new Map<string, number>();
      for (const p of g.processes ?? []) if (p.usedMemory !== null) sums.set(p.name, (sums.get(p.name) ?? 0) + p.usedMemory);
      for (const [name, bytes] of sums) assert.is(one(samples, 'widgets_gpu_process_memory_bytes', { gpu: String(i), name }), bytes);
      assert.is(find(samples, 'widgets_gpu_process_memory_bytes', { gpu: String(i) }).length, sums.size);
    });
    assert.is(gpus[0].fanSpeed, null, 'the capture has no fan reading for the L40S');
    assert.ok(gpus.some((g) => (g.processes ?? []).length === 3), 'the 4080 capture has 3 processes');
    assert.equal(samples.filter((s) => 'pid' in s.labels), [], 'no per-pid series without --metrics-per-pid');

    for (const collector of TOPICS) assert.is(one(samples, 'widgets_collector_up', { collector }), 1, collector);
    assert.ok(one(samples, 'process_resident_memory_bytes', {}) > 1e6);
    assert.ok(one(samples, 'process_cpu_seconds_total', {}) > 0);
    assert.ok(one(samples, 'process_open_fds', {}) > 0);
    const started = one(samples, 'process_start_time_seconds', {});
    assert.ok(started <= Date.now() / 1000 && started > Date.now() / 1000 - 120, 'start time is the service\'s, in Unix seconds');
    // Interfaces are counters with their own label; rates are left to PromQL's rate().
    assert.ok(find(samples, 'widgets_network_receive_bytes_total', { interface: 'lo' }).length === 1);
  });
});

test('--metrics-per-pid: GPU processes are one series per pid again, and the result is still promtool-clean', async () => {
  const vars = {
    FAKE_NVIDIA_SMI_CSV: nvidia('query-gpu-all-fields-rtx4080super-linux-595.71.05-load.csv'),
    FAKE_NVIDIA_SMI_APPS: nvidia('compute-apps-rtx4080super-linux-595.71.05-load.csv'),
  };
  await withService(vars, ['nvidia-smi'], ['--interval', '300ms', '--metrics-per-pid'], async (service) => {
    const { text, samples } = await scrapeUntil(service.url, (s) => find(s, 'widgets_gpu_process_memory_bytes').length > 0);
    const gpus = (await getJson(`${service.url}/api/stats/gpu`)).body as any[];
    const processes = gpus[0].processes as { pid: number; name: string; usedMemory: number | null }[];
    assert.is(processes.length, 3);
    for (const p of processes) {
      const found = find(samples, 'widgets_gpu_process_memory_bytes', { gpu: '0', pid: String(p.pid), name: p.name });
      assert.equal(found.map((s) => s.value), p.usedMemory === null ? [] : [p.usedMemory]);
    }
    assert.equal(find(samples, 'widgets_processes'), [], 'no per-name count in per-pid mode');
    assert.is(promtoolCheck(text).output, '');
  });
});

const AMD: [string, Record<string, string>, FakeTool[], number][] = [
  ['rocm-smi, 4 × MI100', { FAKE_ROCM_SMI_OUT: fixture('rocm-smi/rocm-smi-all-mi100x4-rocm6.0.2.json') }, ['rocm-smi'], 4],
  ['amd-smi, RX 6600', {
    FAKE_AMD_SMI_METRIC_OUT: fixture('amd-smi/amd-smi-metric-json-rx6600-array-format.json'),
    FAKE_AMD_SMI_STATIC_OUT: fixture('amd-smi/amd-smi-static-json-rx6600-array-format.json'),
  }, ['amd-smi'], 1],
];

for (const [label, vars, tools, count] of AMD) {
  test(`AMD stand-in (${label}): promtool finds nothing to complain about`, async () => {
    await withService(vars, tools, ['--interval', '300ms'], async (service) => {
      const { text, samples } = await scrapeUntil(service.url, (s) => find(s, 'widgets_gpu_info', { vendor: 'amd' }).length === count);
      assert.is(find(samples, 'widgets_gpu_info', { vendor: 'amd' }).length, count, text);
      const lint = promtoolCheck(text);
      assert.is(lint.output, '', 'promtool check metrics: no warnings');
      assert.is(lint.code, 0);
      const gpus = (await getJson(`${service.url}/api/stats/gpu`)).body as any[];
      // Names come back unchanged through label escaping (the RX 6600's has an unbalanced "[").
      assert.equal(find(samples, 'widgets_gpu_info').map((s) => s.labels.name), gpus.map((g) => g.name));
      gpus.forEach((g, i) => {
        const temps = find(samples, 'widgets_gpu_temperature_celsius', { gpu: String(g.index ?? i) });
        assert.equal(temps.map((s) => s.value), g.temperature === null ? [] : [g.temperature]);
      });
    });
  });
}

test('a GPU driver that fails: widgets_collector_up{collector="gpu"} is 0, no GPU series, the rest still served and clean', async () => {
  const text = readFileSync(nvidia('error-driver-not-loaded.txt'), 'utf8').trimEnd();
  await withService({ FAKE_NVIDIA_SMI_FAIL: text }, ['nvidia-smi'], ['--interval', '300ms'], async (service) => {
    const scrape = await scrapeUntil(service.url, (s) => find(s, 'widgets_collector_up', { collector: 'gpu' })[0]?.value === 0);
    assert.is(one(scrape.samples, 'widgets_collector_up', { collector: 'gpu' }), 0);
    assert.is(one(scrape.samples, 'widgets_collector_up', { collector: 'cpu' }), 1);
    assert.equal(scrape.samples.filter((s) => s.name.startsWith('widgets_gpu_')), []);
    assert.ok(find(scrape.samples, 'widgets_memory_size_bytes').length === 1);
    const lint = promtoolCheck(scrape.text);
    assert.is(lint.output, '');
    assert.is(lint.code, 0);
  });
});

test('disk I/O counters of the real disks: device and mountpoint labels, the values /api/stats/disk has, promtool-clean', async () => {
  await withService({}, [], ['--interval', '300ms'], async (service) => {
    const scrape = await scrapeUntil(service.url, (s) => find(s, 'widgets_disk_written_bytes_total').length > 0);
    const disks = (await getJson(`${service.url}/api/stats/disk`)).body as any[];
    const root = disks.find((d) => d.mountpoint === '/' && d.writtenBytes !== null);
    if (!root) return console.log('  no block device behind / here: disk counters not compared');
    const labels = { device: root.device, mountpoint: '/' };
    const written = one(scrape.samples, 'widgets_disk_written_bytes_total', labels);
    // The scrape came first; the counter only grows.
    assert.ok(written > 0 && written <= root.writtenBytes, `written ${written} <= ${root.writtenBytes}`);
    assert.ok(one(scrape.samples, 'widgets_disk_reads_completed_total', labels) > 0);
    assert.ok(one(scrape.samples, 'widgets_disk_io_time_seconds_total', labels) >= 0);
    assert.ok(one(scrape.samples, 'widgets_disk_physical_written_bytes_total', {}) >= written, 'the physical disks hold at least this filesystem\'s writes');
    const lint = promtoolCheck(scrape.text);
    assert.is(lint.output, '');
    assert.is(lint.code, 0);
  });
});

test('a scrape on an idle service wakes the collectors, a warm one is answered from the replay, and they stop after the linger', async () => {
  await withService({}, [], ['--interval', '300ms', '--linger', '3s'], async (service) => {
    const states = async () => (await getJson(`${service.url}/api/health`)).body.collectors as Record<string, { state: string; activations: number }>;
    const allIdle = async () => {
      const deadline = Date.now() + 15_000;
      let now = await states();
      while (TOPICS.some((t) => now[t]!.state !== 'idle') && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        now = await states();
      }
      return now;
    };
    // The start-up line's GPU check reads the GPU once (and lingers): wait until everything is idle.
    const before = await allIdle();
    for (const t of TOPICS) assert.is(before[t]!.state, 'idle', `${t} idle before`);
    assert.is(before.cpu!.activations, 0, 'nothing but the GPU check ran');
    const runs = (t: string) => before[t]!.activations;

    const first = parseSamples(await (await fetch(`${service.url}/metrics`)).text());
    const during = await states();
    for (const t of TOPICS) {
      assert.is.not(during[t]!.state, 'idle', `${t} woken by the scrape`);
      assert.is(during[t]!.activations, runs(t) + 1);
      assert.is(one(first, 'widgets_collector_activations_total', { collector: t }), runs(t) + 1);
    }
    // While warm, a second scrape starts nothing new.
    const second = parseSamples(await (await fetch(`${service.url}/metrics`)).text());
    for (const t of TOPICS) assert.is(one(second, 'widgets_collector_activations_total', { collector: t }), runs(t) + 1, `${t} not restarted`);

    const after = await allIdle();
    for (const t of TOPICS) assert.equal([after[t]!.state, after[t]!.activations], ['idle', runs(t) + 1], `${t} stopped after the linger`);

    const third = parseSamples(await (await fetch(`${service.url}/metrics`)).text());
    assert.is(one(third, 'widgets_collector_activations_total', { collector: 'cpu' }), 2, 'the next scrape wakes them again');
  });
});

test('/metrics is guarded like every endpoint: with a token it needs the token', async () => {
  const token = 'metrics-spec-token-0123456789';
  await withService({ WIDGETS_TOKEN: token }, [], ['--interval', '300ms'], async (service) => {
    const refused = await getJson(`${service.url}/metrics`);
    assert.is(refused.status, 401);
    assert.is(refused.body.status, 401);
    assert.type(refused.body.error, 'string');
    const res = await fetch(`${service.url}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
    assert.is(res.status, 200);
    assert.is(res.headers.get('content-type'), CONTENT_TYPE);
    assert.match(await res.text(), /^widgets_cpu_usage_ratio \d/m);
    const foreign = await getJson(`${service.url}/metrics`, { headers: { Authorization: `Bearer ${token}`, Origin: 'https://evil.example' } });
    assert.is(foreign.status, 403, 'a foreign web page cannot read it either');
  });
});

test.run();
