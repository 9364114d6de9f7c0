/** Public surface of the config stage: load, watch, report. See docs/config.md and docs/errors.md. */
export { loadConfig, loadConfigFiles, parseConfigText, expandConfigPaths, type ConfigInput, type ConfigLoadResult, type LoadOptions } from './loader.ts';
export { isInMemoryOrigin, type InMemoryDocument } from './in-memory-source.ts';
export { watchConfig, type ConfigWatcher, type WatchOptions } from './watcher.ts';
export { CONFIG_ERROR, formatConfigError, type ConfigError, type ConfigErrorCode } from './errors.ts';
export { EMPTY_MESH_CONFIG, buildMeshConfig } from './mesh-config.ts';
export { compileValidators, defaultValidators, type KindValidators } from './validators.ts';
export { readSchemaSet, SCHEMA_DIR } from './schemas.ts';
