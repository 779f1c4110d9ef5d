'use strict';
// Shared parts of the fidelity suite: the simulator (voxsim-serve, built
// from this repository), the official client pointed at it, and a reader of
// the official client's TypeScript declarations.

const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const https = require('node:https');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

const repoRoot = path.resolve(__dirname, '..', '..');
const clientDir = path.dirname(require.resolve('@voximplant/apiclient-nodejs/package.json'));
const clientVersion = require('@voximplant/apiclient-nodejs/package.json').version;

// startSim builds and starts voxsim-serve (loopback, HTTPS with its own
// certificate, which this process is made to trust) and returns what it
// announced, with close() to stop it.
async function startSim() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'voxsim-fidelity-'));
  const bin = path.join(dir, 'voxsim-serve');
  execFileSync('go', ['build', '-o', bin, './internal/voxsim/cmd/voxsim-serve'], { cwd: repoRoot, stdio: 'inherit' });
  const child = spawn(bin, [], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const line = await new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout });
    rl.once('line', (l) => { rl.close(); resolve(l); });
    child.once('exit', (code) => reject(new Error(`voxsim-serve exited (${code}) before announcing itself`)));
  });
  const info = JSON.parse(line);
  // The official client always speaks https://<host>/platform_api; axios
  // uses the global agent, which now trusts the simulator's certificate.
  https.globalAgent.options.ca = fs.readFileSync(info.ca);
  info.close = async () => {
    child.stdin.end(); // voxsim-serve stops when its input closes
    await exited;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return info;
}

// newClient is the official client for the simulator, ready to call. The
// credentials file comes from the simulator; VOXIMPLANT_CREDENTIALS would
// override it in the client, so it is cleared.
async function newClient(info) {
  delete process.env.VOXIMPLANT_CREDENTIALS;
  const VoximplantApiClient = require('@voximplant/apiclient-nodejs').default;
  const client = new VoximplantApiClient({ pathToCredentials: info.credentials, host: info.host });
  await new Promise((resolve) => { client.onReady = resolve; });
  return client;
}

// interfaces parses the `export interface Name { field?: Type; }` blocks of
// a declaration file of the official client into {Name: {field: {type,
// optional}}}.
function interfaces(file) {
  const src = fs.readFileSync(path.join(clientDir, 'dist', file), 'utf8');
  const out = {};
  // An empty interface is written on one line ({}): matched alone, so
  // that it does not swallow the next declaration.
  for (const m of src.matchAll(/export interface (\w+) \{(?:\}|([\s\S]*?)\n\})/g)) {
    const fields = {};
    for (const f of (m[2] || '').matchAll(/^\s+(\w+)(\?)?: ([^;]+);/gm)) {
      fields[f[1]] = { type: f[3].trim(), optional: f[2] === '?' };
    }
    out[m[1]] = fields;
  }
  return out;
}

const requestTypes = interfaces('Interfaces.d.ts');
const structureTypes = { ...interfaces('Structures.d.ts'), ...requestTypes };

// snake turns a declared camelCase parameter name into the API's name
// (applicationId -> application_id).
function snake(name) {
  return name.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
}

// declaredParams is the parameter names (the API's snake_case) the
// official client's typings declare for method's request.
function declaredParams(method) {
  const req = requestTypes[method + 'Request'];
  if (!req) return null;
  return Object.keys(req).map(snake).sort();
}

// sentParams is the parameter names the official client's code maps the
// request fields to for method (its reqMapper rawName list), to check the
// typings against what the client really sends.
function sentParams(method) {
  const src = fs.readFileSync(path.join(clientDir, 'dist', 'index.js'), 'utf8');
  const fn = method[0].toLowerCase() + method.slice(1);
  const start = src.indexOf(`      ${fn}: (request) => {`);
  if (start < 0) return null;
  const block = src.slice(start, src.indexOf('];', src.indexOf('const reqMapper = [', start)));
  return [...block.matchAll(/rawName: '(\w+)'/g)].map((m) => m[1]).sort();
}

module.exports = { startSim, newClient, structureTypes, declaredParams, sentParams, snake, repoRoot, clientVersion };
