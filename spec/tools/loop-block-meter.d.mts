export function watchLoopHeld(): { stop(): { heldMs: number; gapMs: number } };
export function startLoopBlockMeter(write?: (line: string) => void): () => void;
