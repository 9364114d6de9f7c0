/**
 * A gRPC echo backend in a process of its own (argv: id, port), so a test can kill it with
 * SIGKILL like a crashed server. Prints "listening <port>" once bound.
 */
import { BackendServer } from '../../examples/demo/greeter-server.ts';

const [id = 'child', port = '0'] = process.argv.slice(2);
const server = new BackendServer(id);
const bound = await server.start(Number(port));
process.stdout.write(`listening ${bound}\n`);
