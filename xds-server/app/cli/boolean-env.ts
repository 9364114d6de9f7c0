/**
 * Commander turns a boolean flag on whenever its environment variable is set, whatever the value:
 * `PRESCIENT_TLS_REQUIRE_CLIENT_CERT=false` would require client certificates. Read such variables
 * as people write them before Commander sees them: 1/true/yes/on turn the flag on, 0/false/no/off
 * or empty leave it off, anything else is refused with the variable named.
 */
import type { Command } from 'commander';

const ON = /^(1|true|yes|on)$/i;
const OFF = /^(0|false|no|off|)$/i;

/** Normalises the boolean flags' variables in `env`; returns the problems found (empty when none). */
export function normaliseBooleanEnv(program: Command, env: NodeJS.ProcessEnv = process.env): string[] {
  const problems: string[] = [];
  const commands = [program, ...program.commands];
  for (const option of commands.flatMap((c) => c.options)) {
    const name = option.envVar;
    if (!name || !option.isBoolean() || env[name] === undefined) continue;
    const value = env[name]!.trim();
    if (ON.test(value)) env[name] = 'true';
    else if (OFF.test(value)) delete env[name];
    else problems.push(`${name}=${JSON.stringify(env[name])} is not a boolean: use true or false (for ${option.long})`);
  }
  return problems;
}
