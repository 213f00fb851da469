// deploy/grafana/widgets-fleet.json is what deploy/grafana/dashboard.ts builds (regenerate with
// `npm run grafana:dashboard`), and its shape is what an import into Grafana needs. Its queries are
// run against a real Prometheus in spec/deploy/prometheus.spec.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { DASHBOARD_FILE, dashboardJson } from '../../deploy/grafana/dashboard.js';

const committed = readFileSync(DASHBOARD_FILE, 'utf8');
const dashboard = JSON.parse(committed) as {
  uid: string;
  templating: { list: { name: string; type: string; multi?: boolean; includeAll?: boolean; query?: unknown }[] };
  panels: { type: string; title: string; datasource?: { uid: string }; gridPos: { x: number; y: number; w: number; h: number }; targets?: { expr: string; datasource?: { uid: string } }[] }[];
};

test('the committed JSON is what the builder makes (run `npm run grafana:dashboard` after changing dashboard.ts)', () => {
  assert.ok(committed === dashboardJson(), 'deploy/grafana/widgets-fleet.json is stale');
});

test('one dashboard for the fleet: a data source variable and a multi-value instance variable with All', () => {
  assert.is(dashboard.uid, 'widgets-service-fleet');
  const [ds, instance] = dashboard.templating.list;
  assert.equal([ds?.name, ds?.type], ['datasource', 'datasource']);
  assert.equal([instance?.name, instance?.type, instance?.multi, instance?.includeAll], ['instance', 'query', true, true]);
  assert.match(JSON.stringify(instance?.query), /label_values\(widgets_build_info, instance\)/);
});

test('every panel queries the chosen data source and machines, and panels do not overlap', () => {
  const panels = dashboard.panels.filter((p) => p.type !== 'row');
  const titles = panels.map((p) => p.title);
  for (const wanted of ['GPU usage', 'GPU memory used', 'GPU temperature', 'GPU power', 'CPU usage', 'Memory in use', 'Disk space in use',
    'Network received', 'Network sent', 'Top AI/ML processes by CPU', 'Collectors']) {
    assert.ok(titles.includes(wanted), `a "${wanted}" panel`);
  }
  for (const p of panels) {
    assert.is(p.datasource?.uid, '${datasource}', p.title);
    assert.ok((p.targets ?? []).length > 0, `${p.title}: queries`);
    for (const t of p.targets!) {
      assert.is(t.datasource?.uid, '${datasource}', p.title);
      assert.match(t.expr, /instance=~"\$instance"/, `${p.title}: filtered by the instance variable`);
    }
  }
  const cells = new Set<string>();
  for (const p of dashboard.panels) {
    assert.ok(p.gridPos.x + p.gridPos.w <= 24, `${p.title}: inside the 24 columns`);
    for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++) {
      for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
        assert.not.ok(cells.has(`${x},${y}`), `${p.title} overlaps another panel at ${x},${y}`);
        cells.add(`${x},${y}`);
      }
    }
  }
});

test.run();
