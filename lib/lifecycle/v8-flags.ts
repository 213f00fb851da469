// V8's flags for running lean, and back to V8's defaults; shared by optimizer-early.ts (before
// anything loads) and optimizer.ts (the policy). Lean: its compilers (Sparkplug, TurboFan) off, and
// the young generation kept at its first size (1 MiB semi-spaces) instead of doubling under
// allocation up to 16 MiB each, which a burst of readings (thousands of processes) did: +15 MiB RSS.
export const LEAN_V8_FLAGS = '--no-turbofan --no-sparkplug --semi-space-growth-factor=1';
export const DEFAULT_V8_FLAGS = '--turbofan --sparkplug --semi-space-growth-factor=2';
