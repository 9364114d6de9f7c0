/**
 * A gRPC echo backend in a process of its own, killed by PID (SIGKILL) and restarted on its port.
 * Lives in scripts/backend/ because bench:failover runs the same processes and bench/ may not
 * import test/.
 */
export * from '../../scripts/backend/backend-process.ts';
