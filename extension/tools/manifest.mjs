// Manifest merging, shared by tools/build.mjs and the tests. No dependencies.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const BROWSERS = ['chrome', 'firefox'];

/**
 * Merges an overlay into a base manifest: objects merge key by key
 * (recursively), anything else (strings, arrays) in the overlay replaces
 * the base value; a null in the overlay deletes the key.
 */
export function merge(base, overlay) {
  const out = { ...base };
  for (const [k, v] of Object.entries(overlay)) {
    if (v === null) delete out[k];
    else if (isObject(v) && isObject(out[k])) out[k] = merge(out[k], v);
    else out[k] = v;
  }
  return out;
}

function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Reads manifest.base.json and manifest.BROWSER.json from dir and merges them. */
export function manifestFor(dir, browser, { serverOrigin } = {}) {
  const base = JSON.parse(readFileSync(join(dir, 'manifest.base.json'), 'utf8'));
  const overlay = JSON.parse(readFileSync(join(dir, `manifest.${browser}.json`), 'utf8'));
  const m = merge(base, overlay);
  if (serverOrigin) {
    const pattern = `${serverOrigin}/*`;
    if (!m.host_permissions.includes(pattern)) m.host_permissions = [...m.host_permissions, pattern];
  }
  return m;
}

/** The JSON text written for a manifest (stable, two-space indent). */
export function manifestText(m) {
  return JSON.stringify(m, null, 2) + '\n';
}
