// V8's flags that keep its compilers (Sparkplug, TurboFan) off, and turn them back on; shared by
// optimizer-early.ts (before anything loads) and optimizer.ts (the policy).
export const COMPILERS_OFF = '--no-turbofan --no-sparkplug';
export const COMPILERS_ON = '--turbofan --sparkplug';
