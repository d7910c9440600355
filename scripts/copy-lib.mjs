// Copies the browser builds of the npm packages the pages use into wwwroot/lib (never committed).
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lib = join(root, 'wwwroot', 'lib');
const files = [
  ['node_modules/@microsoft/signalr/dist/browser/signalr.min.js', 'signalr/signalr.min.js'],
  ['node_modules/apexcharts/dist/apexcharts.min.js', 'apexcharts/apexcharts.min.js'],
  ['node_modules/apexcharts/dist/apexcharts.css', 'apexcharts/apexcharts.css'],
];
for (const [from, to] of files) {
  mkdirSync(dirname(join(lib, to)), { recursive: true });
  cpSync(join(root, from), join(lib, to));
}
writeFileSync(join(lib, '.stamp'), new Date().toISOString());
