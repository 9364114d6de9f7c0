/**
 * Reads a scenario file: YAML or JSON, either `{scenarios: [...]}` or a list, or one scenario.
 * A `trace` load may name a CSV (`file`, relative to the scenario file, in data/traces' format)
 * instead of listing `values`. Errors name the file: SIM_SCENARIO_INVALID.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { parseTraceCsv } from '../load/load-profile.ts';
import { withDefaults, type Scenario } from './scenario.ts';

export const DEFAULT_SUITE = fileURLToPath(new URL('../scenarios/default-suite.yaml', import.meta.url));

export function loadScenarios(file: string = DEFAULT_SUITE): Scenario[] {
  let doc: unknown;
  try {
    doc = YAML.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`SIM_SCENARIO_INVALID: ${file}: ${(err as Error).message}`);
  }
  const list = Array.isArray(doc) ? doc : doc && typeof doc === 'object' && 'scenarios' in doc ? (doc as { scenarios: unknown }).scenarios : [doc];
  if (!Array.isArray(list)) throw new Error(`SIM_SCENARIO_INVALID: ${file}: "scenarios" must be a list`);
  return list.map((raw, i) => {
    const s = raw as Scenario & { load: { kind: string; file?: string } };
    if (s?.load?.kind === 'trace' && s.load.file) {
      const values = parseTraceCsv(readFileSync(path.resolve(path.dirname(file), s.load.file), 'utf8'));
      (s as { load: unknown }).load = { ...s.load, values };
    }
    try {
      withDefaults(s);
    } catch (err) {
      throw new Error(`${(err as Error).message} (${file}, scenario ${i})`);
    }
    return s;
  });
}
