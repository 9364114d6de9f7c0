/** An HTTP server of a test on a free port of 127.0.0.1, and closing it with its open connections. */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';

export async function listenLoopback(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

export async function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}
