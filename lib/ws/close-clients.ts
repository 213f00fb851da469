// Shutting clients down: 1001 to each, then whoever has not completed the closing handshake within
// the grace (a peer that never reads) is terminated.
import { WebSocket } from 'ws';
import { CLOSE_GOING_AWAY } from './endpoint.js';

export async function closeClients(sockets: readonly WebSocket[], graceMs: number): Promise<void> {
  const closed = Promise.all(sockets.map((ws) => new Promise<void>((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) return resolve();
    ws.once('close', () => resolve());
  })));
  for (const ws of sockets) {
    try {
      ws.close(CLOSE_GOING_AWAY, 'server shutting down');
    } catch {
      ws.terminate();
    }
  }
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), graceMs);
  });
  if ((await Promise.race([closed, grace])) === 'late') {
    for (const ws of sockets) if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
    await Promise.race([closed, new Promise((r) => setTimeout(r, 100))]);
  }
  clearTimeout(timer);
}
