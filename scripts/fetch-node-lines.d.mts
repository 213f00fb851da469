// Types for spec/node-lines.spec.ts, which reads what scripts/fetch-node-lines.mjs fetched.
export declare const NODE_LINES: readonly string[];
export declare const CACHE: string;
export declare function fetchedLines(): { line: string; binary: string; present: boolean; from: string | undefined }[];
