// One Chromium for the whole browser run (run.sh starts it): the test files connect to it (JIMP_BROWSER_WS) and
// each opens its own contexts, instead of each launching a browser of its own. Writes the endpoint to the file
// named by the first argument once the browser is up; closes the browser on SIGTERM or SIGINT.
import { writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { LAUNCH_OPTIONS } from './lib.mjs';

const out = process.argv[2];
if (!out) throw new Error('usage: node tests/browser/browser-server.mjs <endpoint file>');
const server = await chromium.launchServer(LAUNCH_OPTIONS);
writeFileSync(out, server.wsEndpoint());
const stop = async () => {
  await server.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
