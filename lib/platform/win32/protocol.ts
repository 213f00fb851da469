// The line protocol between the service and its Windows agent (agent.ps1): one JSON object per
// line each way, UTF-8. Requests are written in exactly one form, which the agent matches with
// a regular expression (PowerShell 5.1's ConvertFrom-Json is slow to load and not needed):
//   {"id":<n>,"op":"<name>"}  or  {"id":<n>,"op":"adopt","pid":<n>}
// Answers: {"id":<n>,"ok":true,"data":<value>} or {"id":<n>,"ok":false,"error":"<text>"}; the
// agent says {"ready":true,"agent":<version>} once, when its C# part is compiled.

export const AGENT_OPS = ['processes', 'network', 'drives', 'swap', 'cpu', 'diskio', 'gpus', 'adopt'] as const;
export type AgentOp = (typeof AGENT_OPS)[number];

export type AgentMessage =
  | { kind: 'ready'; version: number }
  | { kind: 'answer'; id: number; data: unknown }
  | { kind: 'failure'; id: number; error: string };

/** The agent printed something that is not the protocol: the child is not trusted any more. */
export class AgentProtocolError extends Error {
  override name = 'AgentProtocolError';
}

export function encodeRequest(id: number, op: AgentOp, pid?: number): string {
  if (!Number.isSafeInteger(id) || id < 0) throw new RangeError(`request id must be a whole number, got ${id}`);
  if (op === 'adopt') {
    if (!Number.isSafeInteger(pid) || (pid as number) <= 0) throw new RangeError(`adopt needs a pid, got ${pid}`);
    return `{"id":${id},"op":"adopt","pid":${pid}}\n`;
  }
  return `{"id":${id},"op":"${op}"}\n`;
}

/** One line from the agent. Throws AgentProtocolError on anything else (with the start of the line). */
export function parseAgentLine(line: string): AgentMessage {
  const text = line.replace(/^\uFEFF/, '').trim();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AgentProtocolError(`agent printed something that is not JSON: ${quote(text)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AgentProtocolError(`agent printed JSON that is not a message: ${quote(text)}`);
  }
  const m = value as Record<string, unknown>;
  if (m.ready === true) return { kind: 'ready', version: typeof m.agent === 'number' ? m.agent : 0 };
  if (typeof m.id !== 'number' || !Number.isSafeInteger(m.id)) throw new AgentProtocolError(`agent message without an id: ${quote(text)}`);
  if (m.ok === true && 'data' in m) return { kind: 'answer', id: m.id, data: m.data };
  if (m.ok === false) return { kind: 'failure', id: m.id, error: typeof m.error === 'string' ? m.error : 'failed without saying why' };
  throw new AgentProtocolError(`agent message is neither an answer nor a failure: ${quote(text)}`);
}

function quote(text: string): string {
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
}
