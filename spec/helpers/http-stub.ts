// A bare node:http server on an ephemeral loopback port around one handler, for specs of the HTTP
// building blocks without the whole service.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Stub {
  url: string;
  close(): Promise<void>;
}

export function serveHandler(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Stub> {
  const server = createServer(handler);
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); }),
      });
    });
  });
}
