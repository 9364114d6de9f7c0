import assert from 'node:assert/strict';
import { Command, Option } from 'commander';
import { normaliseBooleanEnv } from '../../../../xds-server/app/cli/boolean-env.ts';

function parse(env: NodeJS.ProcessEnv): { problems: string[]; requireCert: boolean | undefined } {
  const program = new Command().exitOverride();
  let seen: boolean | undefined;
  program
    .command('serve')
    .addOption(new Option('--tls-require-client-cert', 'x').env('T_REQUIRE'))
    .addOption(new Option('--name <n>', 'y').env('T_NAME'))
    .action((o: { tlsRequireClientCert?: boolean }) => {
      seen = o.tlsRequireClientCert;
    });
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const problems = normaliseBooleanEnv(program);
    if (problems.length === 0) program.parse(['node', 'prescient', 'serve']);
    return { problems, requireCert: seen };
  } finally {
    for (const k of Object.keys(env)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

describe('boolean flags from the environment', () => {
  it('reads "false", "0", "off" and empty as off (Commander alone would turn the flag on)', () => {
    for (const v of ['false', 'FALSE', '0', 'off', 'no', '']) assert.equal(parse({ T_REQUIRE: v }).requireCert, undefined, v);
  });

  it('reads "true", "1", "on" as on', () => {
    for (const v of ['true', '1', 'on', 'Yes']) assert.equal(parse({ T_REQUIRE: v }).requireCert, true, v);
  });

  it('refuses anything else, naming the variable and the flag; leaves other variables alone', () => {
    const { problems } = parse({ T_REQUIRE: 'maybe', T_NAME: 'false' });
    assert.deepEqual(problems, ['T_REQUIRE="maybe" is not a boolean: use true or false (for --tls-require-client-cert)']);
  });
});
