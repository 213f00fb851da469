// The embeddable library: the same shared, refCounted streams and server the CLI runs.
export { createMonitor } from './monitor.js';
export type { Monitor, MonitorOptions, StatsSelection } from './monitor.js';
export type { ProcessOptions, ResolvedMonitorOptions } from './monitor-options.js';
export type { HistoryQuery, HistoryResponse, HistorySample } from './history/history.js';
export { createServer, startServer, DEFAULT_HOST, DEFAULT_PORT } from './server.js';
export type { RunningServer, ServerOptions } from './server.js';
export { createProcessMatcher, DEFAULT_AI_PATTERNS } from './collectors/process-matcher.js';
export type { ProcessMatcher } from './collectors/process-matcher.js';
export type { GpuOptions } from './collectors/gpu/index.js';
export type { Sample } from './collectors/sample.js';
export type { CollectorSet, CollectorSpec } from './collectors/registry.js';
export type { CollectorContext } from './collectors/context.js';
export { createLogger } from './log.js';
export type { Logger } from './log.js';
export { VERSION } from './version.js';
export { TOPICS } from './types.js';
export type * from './types.js';
