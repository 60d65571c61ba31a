#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx binfo` works from a fresh clone without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../cli/binfo.ts');
