'use strict';
// The exporter's own client against the same simulator: a Go test
// (fidelity/params_test.go) runs the exporter with every collector on and
// records the parameter names voxsim received per method; each must be
// one the official client declares for that method's request (its
// typings, Interfaces.d.ts, camelCase turned into the API's names), or the
// exporter is sending something no official client sends.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { declaredParams, sentParams, repoRoot } = require('../lib/support');

test('the exporter sends only parameters the official client declares', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exporter-params-'));
  const out = path.join(dir, 'params.json');
  try {
    execFileSync('go', ['test', '-count=1', '-run', '^TestExporterRequestParameters$', './fidelity/'], {
      cwd: repoRoot, stdio: 'inherit', env: { ...process.env, FIDELITY_EXPORTER_PARAMS: out },
    });
    const recorded = JSON.parse(fs.readFileSync(out, 'utf8'));
    const sent = recorded.sent;
    // voxsim refuses every parameter it does not accept: it must accept
    // exactly what the official client declares, or a test here would
    // pass a request the client cannot make, or refuse one it makes.
    for (const [method, accepts] of Object.entries(recorded.simulator_accepts)) {
      assert.deepEqual(accepts, declaredParams(method), `${method}: voxsim's accepted parameters differ from the official client's`);
    }
    const methods = Object.keys(sent).sort();
    assert.ok(methods.length >= 6, `only ${methods} recorded`);
    const report = [];
    for (const method of methods) {
      const declared = declaredParams(method);
      assert.ok(declared, `the official client has no ${method}`);
      // The typings and the client's own request mapping agree.
      assert.deepEqual(sentParams(method), declared, `${method}: the client's typings and its request mapping differ`);
      const extra = sent[method].filter((p) => !declared.includes(p));
      assert.deepEqual(extra, [], `${method}: the exporter sends ${extra.join(', ')}, which @voximplant/apiclient-nodejs does not declare (it declares ${declared.join(', ')})`);
      report.push(`${method}: sends ${sent[method].join(', ')}; the official client declares ${declared.join(', ')}`);
    }
    console.log(report.join('\n'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the declarations are read from the client', () => {
  // A reader that found nothing would let anything through.
  assert.deepEqual(declaredParams('GetQueues'), ['acd_queue_id', 'acd_queue_name', 'application_id', 'count', 'excluded_skill_id',
    'offset', 'showing_skill_id', 'skill_id', 'with_operatorcount', 'with_skills']);
  assert.ok(!declaredParams('GetSmartQueueRealtimeMetrics').includes('sq_queue_id'));
  assert.ok(declaredParams('GetSmartQueueRealtimeMetrics').includes('sq_queue_name'));
});
