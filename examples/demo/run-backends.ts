/**
 * Starts the demo mesh's backends (examples/demo/mesh.yaml): greeter on 127.0.0.1:50051-50053 and
 * greeter-canary on :50061. `--slow PORT` adds 200 ms to every call of one of them, to watch
 * Prescient's scorer move traffic away (see /debug/scorer and the demo client's output).
 */
import { Command } from 'commander';
import { BackendServer } from './greeter-server.ts';

const opts = new Command().option('--slow <port>', 'add 200 ms latency to the backend on this port').parse().opts<{ slow?: string }>();
const servers = [50051, 50052, 50053, 50061].map((port) => ({ port, server: new BackendServer(`greeter-${port}`) }));
for (const { port, server } of servers) {
  await server.start(port);
  if (String(port) === opts.slow) server.faults.latencyMs = 200;
}
console.log(`demo backends listening on ${servers.map((s) => `127.0.0.1:${s.port}`).join(', ')}; Ctrl-C to stop`);
process.on('SIGINT', async () => {
  await Promise.all(servers.map((s) => s.server.stop()));
  process.exit(0);
});
