/**
 * The `prescient` command line. Every flag of `serve` also reads an environment variable, so the
 * same binary is configured by flags locally and by env in a Deployment; flags win.
 */
import { Command, Option, InvalidArgumentError } from 'commander';
import { normaliseBooleanEnv } from './boolean-env.ts';
import type { InspectFlags } from './inspect-commands.ts';

// Commands load their modules when they run: `serve` pulls in the whole server (schemas, protos,
// the model runtime), which `--help`, `status` or `weights` do not need (start-up time).
const serveCommand = () => import('./serve-command.ts');
const validateCommand = () => import('./validate-command.ts');
const dnsCommand = () => import('./dns-command.ts');
const inspectCommands = () => import('./inspect-commands.ts');
const proxyConfigCommand = () => import('./proxy-config-command.ts');
const mirrorCommand = () => import('./mirror-command.ts');
const failoverCommand = () => import('./failover-command.ts');
const shadowCommand = () => import('./shadow-command.ts');

function shareOfOne(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n <= 1)) throw new InvalidArgumentError('expected a number in (0, 1]');
  return n;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

const program = new Command()
  .name('prescient')
  .description('Predictive xDS control plane for Envoy and proxyless gRPC')
  .version('0.1.0')
  .showHelpAfterError();

program
  .command('serve')
  .description('serve xDS (ADS, delta, per-type, LRS) from mesh config files, hot-reloading them')
  .addOption(new Option('-c, --config <paths...>', 'YAML files or directories (required unless --config-source kubernetes)').env('PRESCIENT_CONFIG'))
  .addOption(new Option('--config-source <source>', 'files: --config only; kubernetes: Prescient custom resources too (watched, with status written back; see docs/config.md)').env('PRESCIENT_CONFIG_SOURCE').choices(['files', 'kubernetes']).default('files'))
  .addOption(new Option('--config-namespace <ns>', 'with --config-source kubernetes: read custom resources from this namespace only (default: all namespaces)').env('PRESCIENT_CONFIG_NAMESPACE'))
  .addOption(new Option('--xds-address <host:port>', 'xDS gRPC listen address').env('PRESCIENT_XDS_ADDRESS').default('127.0.0.1:18000'))
  .addOption(new Option('--admin-address <host:port>', 'admin HTTP listen address').env('PRESCIENT_ADMIN_ADDRESS').default('127.0.0.1:9901'))
  .addOption(new Option('--admin-token <token>', 'bearer token required by the admin, ingest and selection APIs').env('PRESCIENT_ADMIN_TOKEN'))
  .addOption(new Option('--log-level <level>', 'trace | debug | info | warn | error').env('PRESCIENT_LOG_LEVEL').default('info').choices(['trace', 'debug', 'info', 'warn', 'error', 'silent']))
  .addOption(new Option('--tls-cert <file>', 'xDS server certificate (PEM); enables TLS').env('PRESCIENT_TLS_CERT'))
  .addOption(new Option('--tls-key <file>', 'xDS server private key (PEM)').env('PRESCIENT_TLS_KEY'))
  .addOption(new Option('--tls-ca <file>', 'CA bundle to verify client certificates (mTLS)').env('PRESCIENT_TLS_CA'))
  .addOption(new Option('--tls-require-client-cert', 'require and verify client certificates').env('PRESCIENT_TLS_REQUIRE_CLIENT_CERT'))
  .addOption(new Option('--redis-url <url>', 'share scores and weights between replicas through Redis; in-memory when unset').env('REDIS_URL'))
  .addOption(new Option('--lease <store>', 'where leader leases live: kubernetes (coordination.k8s.io Leases); default Redis with --redis-url, else memory').env('PRESCIENT_LEASE').choices(['kubernetes']))
  .addOption(new Option('--lease-namespace <ns>', 'namespace of the Kubernetes Leases (default: the pod\'s namespace, else default)').env('PRESCIENT_LEASE_NAMESPACE'))
  .addOption(new Option('--kubeconfig <file>', 'Kubernetes API credentials (default: in-cluster service account, else KUBECONFIG or ~/.kube/config)'))
  .addOption(new Option('--no-scorer', 'serve static weights only (no telemetry, forecasting or scoring)'))
  .addOption(new Option('--model <file>', 'ONNX forecast model (default: the shipped model)').env('PRESCIENT_MODEL'))
  .addOption(new Option('--provider <name>', 'onnxruntime execution provider, falls back to cpu').env('PRESCIENT_PROVIDER').default('cpu').choices(['cpu', 'cuda', 'webgpu']))
  .addOption(new Option('--debounce-ms <ms>', 'quiet time before a push').env('PRESCIENT_DEBOUNCE_MS').default(100).argParser(positiveInt))
  .addOption(new Option('--max-debounce-ms <ms>', 'upper bound on how long a burst of changes delays a push').env('PRESCIENT_MAX_DEBOUNCE_MS').default(1000).argParser(positiveInt))
  .addOption(new Option('--max-new-streams <n>', 'new xDS streams accepted per second (reconnect storms)').env('PRESCIENT_MAX_NEW_STREAMS').default(100).argParser(positiveInt))
  .addOption(new Option('--prometheus-url <url>', 'poll this Prometheus for endpoint metrics').env('PRESCIENT_PROMETHEUS_URL'))
  .addOption(new Option('--prometheus-query <metric=promql...>', 'e.g. latency_p99_ms=histogram_quantile(0.99, ...) — results need `service` and `instance` (address:port) labels').default([]))
  .addOption(new Option('--prometheus-interval-ms <ms>', 'Prometheus poll interval').env('PRESCIENT_PROMETHEUS_INTERVAL_MS').default(15000).argParser(positiveInt))
  .addOption(new Option('--node-group <selector...>', 'serve matching nodes from their own group: name=G[,flavor=envoy|grpc][,node-id=REGEX][,cluster=C][,metadata.K=V]').default([]))
  .addOption(new Option('--lrs-identity <identity=clusters...>', 'with mTLS: client certificate URI SAN (SPIFFE ID; `*` suffix = prefix) allowed to send load reports for these comma-separated clusters (env: several separated by ";")').env('PRESCIENT_LRS_IDENTITIES').default([]))
  .addOption(new Option('--operator-identity <identity...>', 'with mTLS: client certificate URI SANs allowed to call CSDS and SelectEndpoint without the admin token (env: comma-separated)').env('PRESCIENT_OPERATOR_IDENTITIES').default([]))
  .addOption(new Option('--istiod-identity <identity...>', 'with mTLS: client certificate URI SANs (istiod\'s SPIFFE ID) allowed to read Istio config over MCP; unset: any client that may read xDS (env: comma-separated)').env('PRESCIENT_ISTIOD_IDENTITIES').default([]))
  .addOption(new Option('--no-istio', 'do not serve Istio config to istiod (MCP over xDS); Istio types are answered empty'))
  .addOption(new Option('--istio-namespace <ns>', 'namespace of the Istio config served to istiod; hosts are <service>.<ns>.<domain> (docs/istio.md)').env('PRESCIENT_ISTIO_NAMESPACE').default('prescient'))
  .addOption(new Option('--istio-domain <domain>', 'domain of the Istio hosts').env('PRESCIENT_ISTIO_DOMAIN').default('svc.cluster.local'))
  .addOption(new Option('--lrs-max-source-share <share>', 'most one reporting identity may weigh in an endpoint\'s error rate and latency while others report on it (default 1/3; 1 = no cap)').env('PRESCIENT_LRS_MAX_SOURCE_SHARE').argParser(shareOfOne))
  .addOption(new Option('--lrs-allow-unauthenticated', 'without mTLS, accept load reports from non-loopback peers too (anyone reaching the xDS port can then move traffic)').env('PRESCIENT_LRS_ALLOW_UNAUTHENTICATED'))
  .addOption(new Option('--feature-store-budget-mb <mb>', 'telemetry ring memory (default 384, sized for the shipped 1 GiB limit; keep limit ≥ this + 512)').env('PRESCIENT_FEATURE_STORE_BUDGET_MB').argParser(positiveInt))
  .addOption(new Option('--ingest-per-client-per-minute <n>', 'observations one client may push to /v1/telemetry per minute (default 60000)').env('PRESCIENT_INGEST_PER_CLIENT_PER_MINUTE').argParser(positiveInt))
  .addOption(new Option('--lrs-interval-ms <ms>', 'load reporting interval asked of clients').env('PRESCIENT_LRS_INTERVAL_MS').default(1000).argParser(positiveInt))
  .addOption(new Option('--dns-server <host[:port]...>', 'name servers for resolving endpoint host names for proxyless gRPC (default: the system resolver)').default([]))
  .addOption(new Option('--audit-file <file>', 'append the audit trail of automated actions (failover transitions, undos) to this JSON-lines file; in memory only when unset').env('PRESCIENT_AUDIT_FILE'))
  .addOption(new Option('--capture-address <host:port>', 'run the capture sink (a mirror target that records requests; docs/capture.md) on this address').env('PRESCIENT_CAPTURE_ADDRESS'))
  .addOption(new Option('--capture-dir <dir>', 'capture store directory').env('PRESCIENT_CAPTURE_DIR').default('./capture'))
  .addOption(new Option('--capture-max-file-mb <mb>', 'rotate capture files at this size').env('PRESCIENT_CAPTURE_MAX_FILE_MB').default(64).argParser(positiveInt))
  .addOption(new Option('--capture-max-files <n>', 'keep at most this many capture files (oldest deleted)').env('PRESCIENT_CAPTURE_MAX_FILES').default(8).argParser(positiveInt))
  .addOption(new Option('--capture-body-bytes <n>', 'record the first N bytes of each request body (default none)').env('PRESCIENT_CAPTURE_BODY_BYTES').argParser(positiveInt))
  .addOption(new Option('--capture-drop-header <name...>', 'never record these headers (authorization, proxy-authorization, cookie, set-cookie always dropped)').default([]))
  .addOption(new Option('--capture-hash-header <name...>', 'record these headers as a keyed hash of their value').default([]))
  .addOption(new Option('--capture-keep-header <name...>', 'record only these headers'))
  .action(async (opts) => {
    process.exitCode = await (await serveCommand()).runServe(opts);
  });

program
  .command('validate')
  .description('check config files the way `serve` would: schema, references and the rendered Envoy resources')
  .argument('<paths...>', 'YAML files or directories')
  .option('--json', 'print the result as JSON')
  .action(async (paths: string[], opts: { json?: boolean }) => {
    process.exitCode = await (await validateCommand()).runValidate(paths, opts);
  });

/** The options every command that reads a running Prescient shares. */
function inspectCommand(name: string, description: string, parent: Command = program): Command {
  return parent
    .command(name)
    .description(description)
    .addOption(new Option('--admin <url>', "the admin API of a running Prescient").env('PRESCIENT_ADMIN_URL').default('http://127.0.0.1:9901'))
    .addOption(new Option('--token <token>', 'bearer token of the admin API').env('PRESCIENT_ADMIN_TOKEN'))
    .option('--json', 'print JSON');
}

program
  .command('proxy-config')
  .description('per resource, what a connected client (by node id) was sent and whether it acknowledged it (over CSDS on the xDS port)')
  .argument('<node>', 'the node id of an Envoy or gRPC client')
  .addOption(new Option('--xds <host:port>', 'the xDS address of a running Prescient').env('PRESCIENT_XDS_TARGET').default('127.0.0.1:18000'))
  .addOption(new Option('--token <token>', 'admin bearer token, sent as authorization metadata').env('PRESCIENT_ADMIN_TOKEN'))
  .addOption(new Option('--tls-ca <file>', 'CA of the xDS server certificate (TLS)'))
  .addOption(new Option('--tls-cert <file>', 'client certificate (mTLS)'))
  .addOption(new Option('--tls-key <file>', 'client key (mTLS)'))
  .option('--json', 'print JSON')
  .action(async (node: string, opts) => {
    process.exitCode = await (await proxyConfigCommand()).runProxyConfig(node, opts);
  });

inspectCommand('status', 'connected clients and, per xDS type, whether each has acknowledged what it was sent (SYNCED, PENDING, NACKED, STALE)').action(
  async (opts: InspectFlags) => {
    process.exitCode = await (await inspectCommands()).runStatus(opts);
  },
);

inspectCommand('weights', "every endpoint's static, scorer and effective weight and its share of traffic")
  .argument('[service]', 'only this Service')
  .action(async (service: string | undefined, opts: InspectFlags) => {
    process.exitCode = await (await inspectCommands()).runWeights(service, opts);
  });

inspectCommand('select', 'ask the smart endpoint API for one endpoint of a service')
  .argument('<service>', 'a Service name')
  .option('--network <name>', "the caller's network, to prefer endpoints in it")
  .action(async (service: string, opts: InspectFlags & { network?: string }) => {
    process.exitCode = await (await inspectCommands()).runSelect(service, opts.network, opts);
  });

const dns = program.command('dns').description('dynamic DNS: the zones Prescient keeps updated (DnsZone documents)');
inspectCommand('status', 'per zone: the published records, the last update and the last error (exit 2 when the last attempt failed)', dns).action(
  async (opts: InspectFlags) => {
    process.exitCode = await (await dnsCommand()).runDnsStatus(opts);
  },
);

const mirror = program.command('mirror').description('traffic mirroring: MirrorRule documents and the clients that apply them');
inspectCommand('list', 'each MirrorRule, its targets, and how many Envoy and gRPC clients carry it (gRPC clients cannot mirror)', mirror).action(
  async (opts: InspectFlags) => {
    process.exitCode = await (await mirrorCommand()).runMirrorList(opts);
  },
);

const shadow = program.command('shadow').description('shadow networks: scaled-down copies of a Service fed by mirrored traffic (ShadowNetwork documents)');
shadow
  .command('render')
  .description("the shadow Deployment (replicas and requests/limits scaled, shadow labels) and an egress NetworkPolicy (shadows reach only shadows) from the primary's Deployment, as YAML on stdout")
  .argument('<deployment>', "a YAML file holding the primary's Deployment")
  .option('--factor <f>', 'fraction of replicas and resources, in (0, 1] (default 0.25)', (v: string) => {
    const f = Number(v);
    if (!(f > 0 && f <= 1)) throw new InvalidArgumentError('expected a number above 0 and at most 1');
    return f;
  })
  .action(async (file: string, opts: { factor?: number }) => {
    process.exitCode = await (await shadowCommand()).runShadowRender(file, opts);
  });
inspectCommand('status', 'each ShadowNetwork: its cluster, fidelity and endpoints', shadow).action(async (opts: InspectFlags) => {
  process.exitCode = await (await shadowCommand()).runShadowStatus(opts);
});

const failover = program.command('failover').description('failover of Services to their standby endpoints (FailoverPolicy documents)');
inspectCommand('status', 'per service: state, since when, switches, dwell and the last probe round', failover).action(async (opts: InspectFlags) => {
  process.exitCode = await (await failoverCommand()).runFailoverStatus(opts);
});
for (const [name, hold] of [['hold', true], ['release', false]] as const) {
  inspectCommand(name, hold ? 'freeze the failover state of a service (no automatic transitions)' : 'resume automatic transitions of a held service', failover)
    .argument('<service>', 'a Service with a FailoverPolicy')
    .action(async (service: string, opts: InspectFlags) => {
      process.exitCode = await (await failoverCommand()).runFailoverHold(service, hold, opts);
    });
}

const scale = program.command('scale').description('predictive scaling (ScalingPolicy documents)');
inspectCommand('decisions', 'scaling decisions: when, what, on observed load or forecast, and whether the actuator applied them', scale).action(async (opts: InspectFlags) => {
  process.exitCode = await (await failoverCommand()).runScaleDecisions(opts);
});

const audit = program.command('audit').description('the audit trail of automated actions (failover transitions, operator undos)');
inspectCommand('list', 'audit entries, oldest first: who or what acted, on what evidence, before and after', audit)
  .option('--subject <name>', 'only entries about this subject (e.g. a Service)')
  .option('--limit <n>', 'newest N entries', positiveInt)
  .action(async (opts: InspectFlags & { subject?: string; limit?: number }) => {
    process.exitCode = await (await failoverCommand()).runAuditList(opts);
  });
inspectCommand('revert', 'undo an automated action in one step (itself audited)', audit)
  .argument('<id>', 'an audit entry id')
  .action(async (id: string, opts: InspectFlags) => {
    process.exitCode = await (await failoverCommand()).runAuditRevert(id, opts);
  });

const envProblems = normaliseBooleanEnv(program);
if (envProblems.length > 0) {
  for (const p of envProblems) console.error(`error: ${p}`);
  process.exit(2);
}
await program.parseAsync();
