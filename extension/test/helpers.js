// Shared paths for tests and tools.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const extDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoDir = resolve(extDir, '..');
export const corpusDir = process.env.VITRINE_CORPUS || join(repoDir, 'testdata', 'pages');
