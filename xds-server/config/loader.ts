/**
 * Loading mesh config: YAML files or directories → a validated MeshConfig, or every error found.
 *
 * Contract: a load is all or nothing. If any document of any file has an error the result is
 * `ok: false` with all of them, and the caller keeps serving its last good config (DESIGN §3).
 * Nothing here throws for bad input; only programming errors escape.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { AnyDocument, MeshConfig } from '../../api/config.ts';
import { crossDocumentErrors } from './cross-checks.ts';
import { CONFIG_ERROR, type ConfigError } from './errors.ts';
import { buildMeshConfig } from './mesh-config.ts';
import { defaultValidators, type KindValidators } from './validators.ts';
import { validateDocument } from './validate-document.ts';
import { parseYamlSource, type SourceDocument } from './yaml-source.ts';
import { documentLimitErrors } from './document-limits.ts';
import { inMemorySource, type InMemoryDocument } from './in-memory-source.ts';

export type ConfigLoadResult =
  | { ok: true; config: MeshConfig; documents: AnyDocument[] }
  | { ok: false; errors: ConfigError[] };

export interface LoadOptions {
  /** Defaults to the schemas shipped under xds-server/config/schemas. */
  validators?: KindValidators;
}

const CONFIG_FILE = /\.ya?ml$/;

function ioError(file: string, message: string): ConfigError {
  return { code: CONFIG_ERROR.io, file, documentIndex: -1, path: '', message };
}

/** Files named by `paths`: files as given, directories as their *.yaml/*.yml entries sorted by name. */
export async function expandConfigPaths(paths: readonly string[]): Promise<{ files: string[]; errors: ConfigError[] }> {
  const files: string[] = [];
  const errors: ConfigError[] = [];
  for (const p of paths) {
    try {
      const stat = await fs.stat(p);
      if (stat.isFile()) files.push(p);
      else if (stat.isDirectory()) {
        // Hidden entries are skipped: Kubernetes mounts ConfigMaps with `..data` links beside the files.
        const names = (await fs.readdir(p)).filter((n) => CONFIG_FILE.test(n) && !n.startsWith('.')).sort();
        for (const name of names) {
          const file = path.join(p, name);
          if ((await fs.stat(file)).isFile()) files.push(file);
        }
      } else errors.push(ioError(p, 'is neither a file nor a directory; pass YAML files or directories of them'));
    } catch (err) {
      errors.push(ioError(p, `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); check the path and its permissions`));
    }
  }
  const seen = new Set<string>();
  return { files: files.filter((f) => !seen.has(path.resolve(f)) && seen.add(path.resolve(f))), errors };
}

/** Files in the order they were read, documents in file order; stable within a document. */
function inReadingOrder(errors: ConfigError[]): ConfigError[] {
  const fileOrder = new Map<string, number>();
  for (const e of errors) if (!fileOrder.has(e.file)) fileOrder.set(e.file, fileOrder.size);
  return errors
    .map((e, i) => ({ e, i }))
    .sort((a, b) => fileOrder.get(a.e.file)! - fileOrder.get(b.e.file)! || a.e.documentIndex - b.e.documentIndex || a.i - b.i)
    .map(({ e }) => e);
}

function resultOf(sources: readonly SourceDocument[], earlier: readonly ConfigError[], options: LoadOptions): ConfigLoadResult {
  // Validators compile on first use (hundreds of ms): a load refused before any document parsed
  // (an oversized document, unreadable files) does not wait for them.
  const validators = sources.length > 0 ? (options.validators ?? defaultValidators()) : undefined;
  const checked = sources.map((s) => validateDocument(s, validators!));
  const someUnreadable = earlier.some((e) => e.code === CONFIG_ERROR.yaml || e.code === CONFIG_ERROR.io);
  const errors = inReadingOrder([...earlier, ...checked.flatMap((c) => c.errors), ...crossDocumentErrors(checked, someUnreadable)]);
  if (errors.length > 0) return { ok: false, errors };
  const documents = checked.map((c) => c.document).filter((d): d is AnyDocument => d !== undefined);
  return { ok: true, config: buildMeshConfig(documents), documents };
}

/**
 * A file that parses to no document at all is refused: an editor or a ConfigMap update caught
 * half-way writes exactly that, and accepting it would withdraw every resource the file declared.
 */
function parseFile(text: string, file: string): ReturnType<typeof parseYamlSource> {
  // Oversized documents are refused before the (slow) parse.
  const tooLarge = documentLimitErrors(text, file);
  if (tooLarge.length > 0) return { documents: [], errors: tooLarge };
  const parsed = parseYamlSource(text, file);
  if (parsed.documents.length === 0 && parsed.errors.length === 0) {
    parsed.errors.push({
      code: CONFIG_ERROR.empty,
      file,
      documentIndex: -1,
      path: '',
      message: 'holds no document; if you mean to withdraw everything it declared, delete the file instead',
    });
  }
  return parsed;
}

/** One YAML text (any number of `---` documents); `file` names it in errors and origins. */
export function parseConfigText(text: string, file: string, options: LoadOptions = {}): ConfigLoadResult {
  const parsed = parseFile(text, file);
  return resultOf(parsed.documents, parsed.errors, options);
}

export async function loadConfigFiles(paths: readonly string[], options: LoadOptions = {}): Promise<ConfigLoadResult> {
  return loadConfig({ paths }, options);
}

/** What one load reads: YAML files and directories, and documents held in memory. */
export interface ConfigInput {
  paths: readonly string[];
  /** Custom resources and other documents without a file; checked after the files' documents. */
  documents?: readonly InMemoryDocument[];
}

/**
 * Files and in-memory documents validated together, by the same schemas and cross-document checks
 * (names are unique across both, references resolve across both). Files come first, so a name
 * defined by a file and by an in-memory document is reported on the in-memory one.
 */
export async function loadConfig(input: ConfigInput, options: LoadOptions = {}): Promise<ConfigLoadResult> {
  const { files, errors } = await expandConfigPaths(input.paths);
  const sources: SourceDocument[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      errors.push(ioError(file, `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); check its permissions`));
      continue;
    }
    const parsed = parseFile(text, file);
    sources.push(...parsed.documents);
    errors.push(...parsed.errors);
  }
  sources.push(...(input.documents ?? []).map(inMemorySource));
  return resultOf(sources, errors, options);
}
