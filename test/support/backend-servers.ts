/** Tests use the demo's greeter server as their real gRPC backend. */
export * from '../../examples/demo/greeter-server.ts';
