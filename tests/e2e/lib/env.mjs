// The environment scripts/test-e2e.sh prepared, read once, with the reasons why a part of it
// may be missing (tests that need that part fail with the reason; none is skipped).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the end-to-end tests through scripts/test-e2e.sh <target-dir> (or make e2e)`);
  }
  return value;
}

const here = path.dirname(fileURLToPath(import.meta.url));

export const env = {
  root: path.resolve(here, '..', '..', '..'),
  halextWp: required('E2E_HALEXT_WP'),
  plainWp: required('E2E_PLAIN_WP'),
  artifacts: required('E2E_ARTIFACTS'),
  wpDir: required('E2E_WP_DIR'),
  chromium: process.env.CHROMIUM || '/usr/bin/chromium',
  admin: { user: required('E2E_ADMIN_USER'), pass: required('E2E_ADMIN_PASS') },
  extensionStatus: required('E2E_EXTENSION'),
  // The php -d setting that loads the halext extension (extension=<so>), '' when it does not load.
  phpHalextIni: process.env.E2E_PHP_HALEXT_INI || '',
  halextApi: process.env.E2E_HALEXT_API || '',
  halextApiStatus: process.env.E2E_HALEXT_API_STATUS || '',
};

/**
 * What the plugin needs from the extension and this build lacks (empty when ready), checked
 * in the same PHP the "halext" web server runs (tests/e2e/support/probe-bindings.php).
 */
function missingBindings() {
  if (!env.phpHalextIni) return ['the whole halext API (no extension loaded)'];
  try {
    const probe = path.join(here, '..', 'support', 'probe-bindings.php');
    return JSON.parse(execFileSync('php', ['-d', env.phpHalextIni, probe], { encoding: 'utf8' }));
  } catch (e) {
    return [`(probe failed: ${e.message})`];
  }
}

let halextProblems = null;

/**
 * Why the Halext flows cannot run here, or an empty list. Cached.
 * @returns {string[]}
 */
export function halextProblemsList() {
  if (halextProblems) return halextProblems;
  const problems = [];
  if (env.extensionStatus !== 'loaded') {
    problems.push(`the halext PHP extension is ${env.extensionStatus}`);
  } else {
    const missing = missingBindings();
    if (missing.length) problems.push(`the halext extension lacks the bindings the plugin uses: ${missing.join(', ')}`);
  }
  if (!env.halextApi) problems.push(`the Halext test server is unavailable: ${env.halextApiStatus}`);
  halextProblems = problems;
  return problems;
}

/** Throws (failing the test, with the reason) unless the extension and the test server are there. */
export function requireHalext(extra = []) {
  const problems = [...halextProblemsList(), ...extra];
  if (problems.length) {
    throw new Error(`this flow needs the halext extension and the Halext test server:\n  - ${problems.join('\n  - ')}`);
  }
}
