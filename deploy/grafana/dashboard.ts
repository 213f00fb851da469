// The Grafana dashboard for a fleet of machines running widgets-service, built with Grafana's own
// builder library (@grafana/grafana-foundation-sdk). `npm run grafana:dashboard` writes it to
// widgets-fleet.json beside this file, the file users import; spec/deploy/dashboard.spec.ts checks
// that the committed JSON is current, and spec/deploy/prometheus.spec.ts runs every panel's queries
// against a real Prometheus scraping two services and expects data from both.
// Only raw series are queried (no recording rules), so the dashboard works without the rule file.
// The GPU power-state and GPU usage queries are also unit-tested on made-up series in
// spec/deploy/rules.spec.ts (asleep, awake, not reported).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  DashboardBuilder,
  DatasourceVariableBuilder,
  MappingType,
  QueryVariableBuilder,
  RowBuilder,
  VariableRefresh,
  VariableSort,
  type Dashboard,
  type Panel,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as StateTimelinePanel } from '@grafana/grafana-foundation-sdk/statetimeline';

export const DASHBOARD_FILE = join(dirname(fileURLToPath(import.meta.url)), 'widgets-fleet.json');

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
/** The machines chosen in the `instance` variable (a regex: Grafana joins several as `(a|b)`). */
const ON = 'instance=~"$instance"';
/** Scrape jobs of widgets-service, as the "not scraped" alert expects them to be named. */
const JOBS = 'job=~"widgets(-.*)?"';

/** A PromQL query on the dashboard's data source; `legend` uses Grafana's {{label}} syntax. */
function query(refId: string, expr: string, legend: string) {
  return new DataqueryBuilder().refId(refId).datasource(DATASOURCE).expr(expr).legendFormat(legend).range();
}

function timeseries(title: string, unit: string, description: string, ...targets: DataqueryBuilder[]) {
  const panel = new TimeseriesPanel().title(title).description(description).datasource(DATASOURCE).unit(unit).height(8).span(8).min(0);
  for (const target of targets) panel.withTarget(target);
  return panel;
}

export function buildDashboard(): Dashboard {
  const gpuLegend = '{{instance}} GPU {{gpu}} {{name}}';
  return new DashboardBuilder('widgets-service fleet')
    .uid('widgets-service-fleet')
    .description('Machines running widgets-service, scraped by Prometheus at GET /metrics.')
    .tags(['widgets-service', 'gpu'])
    .editable()
    .refresh('30s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .withVariable(new DatasourceVariableBuilder('datasource').label('Data source').type('prometheus'))
    .withVariable(
      new QueryVariableBuilder('instance')
        .label('Machine')
        .datasource(DATASOURCE)
        .query({ query: 'label_values(widgets_build_info, instance)', refId: 'instances' })
        .definition('label_values(widgets_build_info, instance)')
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .sort(VariableSort.AlphabeticalAsc)
        .multi(true)
        .includeAll(true)
        .allValue('.+')
        .current({ selected: true, text: 'All', value: '$__all' }),
    )

    .withRow(new RowBuilder('GPUs'))
    .withPanel(timeseries('GPU usage', 'percentunit', 'Time each GPU was busy over its last reading. While a GPU is asleep (runtime-suspended) it is not queried: its line stops instead of reading 0 %, and "GPU power state" shows it asleep.',
      query('A', `widgets_gpu_utilization_ratio{${ON}} unless on (instance, job, gpu, uuid) (widgets_gpu_suspended{${ON}} == 1)`, gpuLegend)).max(1))
    .withPanel(timeseries('GPU memory used', 'bytes', 'Memory in use on each GPU, and its size.',
      query('A', `widgets_gpu_memory_used_bytes{${ON}}`, gpuLegend),
      query('B', `widgets_gpu_memory_size_bytes{${ON}}`, `${gpuLegend} size`)))
    .withPanel(timeseries('GPU temperature', 'celsius', 'The alert rule WidgetsGpuTooHot fires above 85 °C for 5 minutes.',
      query('A', `widgets_gpu_temperature_celsius{${ON}}`, gpuLegend)))
    .withPanel(timeseries('GPU power', 'watt', 'Power draw of each GPU, and its power limit.',
      query('A', `widgets_gpu_power_draw_watts{${ON}}`, gpuLegend),
      query('B', `widgets_gpu_power_limit_watts{${ON}}`, `${gpuLegend} limit`)))
    .withPanel(timeseries('GPU memory per process name', 'bytes', 'GPU memory held by the processes of each name, per GPU.',
      query('A', `widgets_gpu_process_memory_bytes{${ON}}`, '{{instance}} GPU {{gpu}} {{name}}')))
    .withPanel(gpuPowerState(gpuLegend))

    .withRow(new RowBuilder('CPU and memory'))
    .withPanel(timeseries('CPU usage', 'percentunit', 'Whole-machine CPU busy time.',
      query('A', `widgets_cpu_usage_ratio{${ON}}`, '{{instance}}')).max(1))
    .withPanel(timeseries('Memory in use', 'percentunit', 'Memory in use (total minus available) as a share of physical memory.',
      query('A', `widgets_memory_used_bytes{${ON}} / widgets_memory_size_bytes{${ON}}`, '{{instance}}')).max(1))
    .withPanel(timeseries('Load per CPU', 'none', '1-minute load average divided by the logical CPUs.',
      query('A', `widgets_load1{${ON}} / widgets_cpu_logical_cores{${ON}}`, '{{instance}}')))

    .withRow(new RowBuilder('Disks and network'))
    .withPanel(timeseries('Disk space in use', 'percentunit', 'As df counts it: used / (used + what a user may still write). WidgetsDiskNearlyFull fires above 90 %.',
      query('A', `widgets_disk_used_bytes{${ON}} / (widgets_disk_used_bytes{${ON}} + widgets_disk_free_bytes{${ON}})`, '{{instance}} {{mountpoint}}')).max(1))
    .withPanel(timeseries('Network received', 'Bps', 'Bytes per second received by each interface but loopback.',
      query('A', `rate(widgets_network_receive_bytes_total{${ON}, interface!="lo"}[$__rate_interval])`, '{{instance}} {{interface}}')))
    .withPanel(timeseries('Network sent', 'Bps', 'Bytes per second sent by each interface but loopback.',
      query('A', `rate(widgets_network_transmit_bytes_total{${ON}, interface!="lo"}[$__rate_interval])`, '{{instance}} {{interface}}')))

    .withRow(new RowBuilder('Disk I/O'))
    .withPanel(timeseries('Disk I/O per machine', 'Bps', 'Bytes per second read from and written to the physical disks, each disk once (partitions, device-mapper, md RAID and loop devices not counted again).',
      query('A', `rate(widgets_disk_physical_read_bytes_total{${ON}}[$__rate_interval])`, '{{instance}} read'),
      query('B', `rate(widgets_disk_physical_written_bytes_total{${ON}}[$__rate_interval])`, '{{instance}} written')).span(6))
    .withPanel(timeseries('Disk read per filesystem', 'Bps', 'Bytes per second read from the block device behind each filesystem.',
      query('A', `rate(widgets_disk_read_bytes_total{${ON}}[$__rate_interval])`, '{{instance}} {{mountpoint}} ({{device}})')).span(6))
    .withPanel(timeseries('Disk written per filesystem', 'Bps', 'Bytes per second written to the block device behind each filesystem.',
      query('A', `rate(widgets_disk_written_bytes_total{${ON}}[$__rate_interval])`, '{{instance}} {{mountpoint}} ({{device}})')).span(6))
    .withPanel(timeseries('Disk busy', 'percentunit', 'Share of the time each block device had I/O in flight (as iostat\'s %util; near 100 % an HDD is saturated, an SSD or NVMe may still take more). One line per device, however many filesystems sit on it.',
      query('A', `max without (mountpoint) (rate(widgets_disk_io_time_seconds_total{${ON}}[$__rate_interval]))`, '{{instance}} {{device}}')).max(1).span(6))

    .withRow(new RowBuilder('AI/ML processes'))
    .withPanel(timeseries('Top AI/ML processes by CPU', 'none', 'The 5 AI/ML process names using the most CPU on each machine, summed per name, in cores (1 = one full core).',
      query('A', `topk by (instance) (5, widgets_process_cpu_usage_ratio{${ON}})`, '{{instance}} {{name}}')))
    .withPanel(timeseries('Top AI/ML processes by memory', 'bytes', 'The 5 AI/ML process names using the most resident memory on each machine, summed per name.',
      query('A', `topk by (instance) (5, widgets_process_resident_memory_bytes{${ON}})`, '{{instance}} {{name}}')))
    .withPanel(processTable())

    .withRow(new RowBuilder('Collectors and scrapes'))
    .withPanel(upTimeline('Collectors', 'Each collector\'s last reading: ok or failing (GET /api/health on that machine says why).',
      query('A', `widgets_collector_up{${ON}}`, '{{instance}} {{collector}}')))
    .withPanel(timeseries('Collector reading time', 's', 'How long each collector\'s last reading took.',
      query('A', `widgets_collector_duration_seconds{${ON}}`, '{{instance}} {{collector}}')))
    .withPanel(upTimeline('Scrapes', 'Whether Prometheus could scrape the machine (WidgetsNotScraped fires after 5 minutes down).',
      query('A', `up{${JOBS}, ${ON}}`, '{{instance}} ({{job}})')))
    .build();
}

/** The AI/ML process names running now on the chosen machines: count, CPU and memory side by side. */
function processTable(): cog.Builder<Panel> {
  const instant = (refId: string, expr: string) =>
    new DataqueryBuilder().refId(refId).datasource(DATASOURCE).expr(expr).format(PromQueryFormat.Table).instant();
  return new TablePanel()
    .title('AI/ML processes now')
    .description('One row per machine and process name (per-pid series only with --metrics-per-pid).')
    .datasource(DATASOURCE)
    .height(8)
    .span(8)
    .withTarget(instant('A', `widgets_processes{${ON}}`))
    .withTarget(instant('B', `widgets_process_cpu_usage_ratio{${ON}}`))
    .withTarget(instant('C', `widgets_process_resident_memory_bytes{${ON}}`))
    .withTransformation({ id: 'merge', options: {} })
    .withTransformation({
      id: 'organize',
      options: {
        excludeByName: { Time: true, __name__: true, job: true },
        renameByName: { instance: 'Machine', name: 'Process', 'Value #A': 'Processes', 'Value #B': 'CPU (cores)', 'Value #C': 'Memory' },
      },
    })
    .overrideByName('Memory', [{ id: 'unit', value: 'bytes' }])
    .overrideByName('CPU (cores)', [{ id: 'decimals', value: 2 }]);
}

/**
 * Each GPU awake or asleep (runtime-suspended: the service does not query it, so a 0 % there would be
 * made up). `widgets_gpu_suspended` is absent where the platform does not say (no runtime PM in
 * sysfs, macOS, Windows): those GPUs are shown as "not reported" (-1), from widgets_gpu_info.
 */
function gpuPowerState(legend: string): cog.Builder<Panel> {
  return new StateTimelinePanel()
    .title('GPU power state')
    .description('Awake, or asleep (runtime-suspended: not queried, so it has no usage, power or clocks then). "Not reported" where the platform does not say (no runtime power management in sysfs, macOS, Windows).')
    .datasource(DATASOURCE)
    .height(8)
    .span(8)
    .withTarget(query('A', `widgets_gpu_suspended{${ON}} or (0 * max without (pci_bus_id, driver_version) (widgets_gpu_info{${ON}}) - 1)`, legend))
    .mappings([{
      type: MappingType.ValueToText,
      options: {
        '-1': { text: 'not reported', color: '#8e8e8e', index: 2 },
        '0': { text: 'awake', color: 'green', index: 0 },
        '1': { text: 'asleep', color: 'blue', index: 1 },
      },
    }]);
}

/** 1 = ok (green), 0 = failing (red), over time. */
function upTimeline(title: string, description: string, target: DataqueryBuilder): cog.Builder<Panel> {
  return new StateTimelinePanel()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .height(8)
    .span(8)
    .withTarget(target)
    .mappings([{ type: MappingType.ValueToText, options: { '0': { text: 'failing', color: 'red' }, '1': { text: 'ok', color: 'green' } } }]);
}

/** The dashboard as the committed file holds it. */
export function dashboardJson(): string {
  return `${JSON.stringify(buildDashboard(), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(DASHBOARD_FILE, dashboardJson());
  process.stdout.write(`wrote ${DASHBOARD_FILE}\n`);
}
