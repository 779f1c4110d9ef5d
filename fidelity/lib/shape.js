'use strict';
// checkReads asserts that an answer, as the official client returns it,
// carries the fields the exporter reads with the types the client's
// typings declare.

const assert = require('node:assert/strict');
const { structureTypes, snake } = require('./support');

// The API's timestamp form. The typings declare such fields as Date, but
// the client's 'Date' transformer passes the API's string through; either
// is accepted, and the string must be a timestamp.
const timestamp = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;

// typeOk reports whether value has the declared TypeScript type.
function typeOk(declared, value) {
  if (declared.endsWith('[]')) {
    return Array.isArray(value) && value.every((v) => typeOk(declared.slice(0, -2), v));
  }
  switch (declared) {
    case 'number': return typeof value === 'number' && Number.isFinite(value);
    case 'string': return typeof value === 'string';
    case 'boolean': return typeof value === 'boolean';
    case 'Date': return value instanceof Date || (typeof value === 'string' && timestamp.test(value));
    default:
      if (structureTypes[declared]) return typeof value === 'object' && value !== null && !Array.isArray(value);
      throw new Error(`no check for the declared type ${declared}`);
  }
}

// checkReads walks each path (fields separated by '.', '[]' after a field
// that is a list; names as the typings declare them) from the answer, whose declared type is rootType, and
// asserts that the field's declared type is known, that it is present with
// that type at least once, and that every value present has it. An empty
// string in a Date field is the API's "unknown" (API-NOTES.md) and is
// allowed. It returns how many values each path had.
function checkReads(method, answer, rootType, paths) {
  const seen = {};
  for (const p of paths) {
    let nodes = [{ value: answer, type: rootType }];
    let declared;
    const where = [];
    for (const seg of p.split('.')) {
      const list = seg.endsWith('[]');
      const name = list ? seg.slice(0, -2) : seg;
      where.push(seg);
      const fields = structureTypes[nodes.length ? nodes[0].type : rootType];
      assert.ok(fields, `${method}: no declaration for ${nodes[0] && nodes[0].type}`);
      assert.ok(fields[name], `${method}: the official client declares no ${where.join('.')}`);
      declared = fields[name].type;
      const next = [];
      for (const n of nodes) {
        // The client renames the keys of some structures only: nested
        // lists (a user's skills, a queue's operators, a report's groups)
        // come through with the API's snake_case keys. The field is taken
        // under either name, with the declared type.
        const v = field(n.value, name);
        if (v === undefined || v === null || (declared === 'Date' && v === '')) continue;
        assert.ok(typeOk(declared, v), `${method}: ${where.join('.')} is ${JSON.stringify(v)}, declared ${declared}`);
        if (list) {
          assert.ok(declared.endsWith('[]'), `${method}: ${where.join('.')} is declared ${declared}, not a list`);
          for (const item of v) next.push({ value: item, type: declared.slice(0, -2) });
        } else {
          next.push({ value: v, type: declared });
        }
      }
      nodes = next;
      if (!nodes.length) break;
    }
    assert.ok(nodes.length > 0, `${method}: the answer carries no ${p} (declared ${declared}); the simulator must serve every field the exporter reads`);
    seen[p] = nodes.length;
  }
  return seen;
}

// field is obj's field under its declared (camelCase) name, or under the
// API's snake_case name where the client left the keys as they came.
function field(obj, name) {
  return obj[name] !== undefined ? obj[name] : obj[snake(name)];
}

module.exports = { checkReads, typeOk, field };
