#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx prescient` works without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../xds-server/app/cli/main.ts');
