/**
 * `npm run sbom [-- --out FILE]`: a CycloneDX 1.5 software bill of materials of every package in
 * package-lock.json (`npm sbom --package-lock-only`, no network needed), written to `.data/sbom/sbom.cdx.json`
 * by default — where the compliance console's Dependencies page reads it (`<DATA_DIR>/sbom/sbom.cdx.json`).
 * Runs before every `npm run build` (`prebuild`).
 */
import { execFile } from 'node:child_process';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const outArg = process.argv.indexOf('--out');
const out = path.resolve(outArg > 0 ? process.argv[outArg + 1]! : '.data/sbom/sbom.cdx.json');

const { stdout } = await run(
  'npm',
  ['sbom', '--sbom-format', 'cyclonedx', '--sbom-type', 'application', '--package-lock-only', '--offline'],
  { maxBuffer: 64 * 1024 * 1024 },
);
const bom = JSON.parse(stdout) as { bomFormat?: string; specVersion?: string; components?: unknown[] };
if (bom.bomFormat !== 'CycloneDX' || !Array.isArray(bom.components))
  throw new Error('npm sbom did not produce a CycloneDX document');
await mkdir(path.dirname(out), { recursive: true });
// Written whole, then renamed: the console never reads half a file.
await writeFile(`${out}.tmp`, stdout);
await rename(`${out}.tmp`, out);
console.log(
  JSON.stringify({
    level: 'info',
    time: new Date().toISOString(),
    msg: 'sbom written',
    file: out,
    specVersion: bom.specVersion,
    components: bom.components.length,
  }),
);
