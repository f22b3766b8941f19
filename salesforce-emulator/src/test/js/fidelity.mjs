// Drives the emulator with jsforce (a Salesforce client library we did not write), the way an integration would drive
// a real org: OAuth client credentials, CRUD, sObject Collections, SOQL with paging, and a Bulk API 2.0 query.
// Usage: EMULATOR_URL=http://127.0.0.1:8089 CLIENT_ID=... CLIENT_SECRET=... node fidelity.mjs
// Prints one line per check; exits non-zero on the first that fails.
import jsforce from 'jsforce';
import assert from 'node:assert/strict';

const url = process.env.EMULATOR_URL;
const conn = new jsforce.Connection({
  oauth2: { loginUrl: url, clientId: process.env.CLIENT_ID, clientSecret: process.env.CLIENT_SECRET },
  version: '62.0',
});

async function check(name, fn) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    console.log(`FAIL ${name}: ${e && e.stack ? e.stack : e}`);
    process.exit(1);
  }
}

await check('token by client credentials', async () => {
  const user = await conn.authorize({ grant_type: 'client_credentials' });
  assert.ok(conn.accessToken);
  assert.equal(conn.instanceUrl, url);
  assert.ok(user.organizationId);
});

let contactId;
await check('create, retrieve, update, delete a Contact', async () => {
  const created = await conn.sobject('Contact').create({ LastName: 'Fidelity', Email: 'fidelity@example.com' });
  assert.equal(created.success, true);
  contactId = created.id;
  assert.equal(contactId.length, 18);
  const record = await conn.sobject('Contact').retrieve(contactId);
  assert.equal(record.Email, 'fidelity@example.com');
  assert.equal(record.HasOptedOutOfEmail, false);
  const updated = await conn.sobject('Contact').update({ Id: contactId, HasOptedOutOfEmail: true });
  assert.equal(updated.success, true);
  assert.equal((await conn.sobject('Contact').retrieve(contactId)).HasOptedOutOfEmail, true);
  const gone = await conn.sobject('Contact').create({ LastName: 'Gone' });
  const destroyed = await conn.sobject('Contact').destroy(gone.id);
  assert.equal(destroyed.success, true);
});

await check('a deleted record refuses updates with ENTITY_IS_DELETED, alone and in a collection', async () => {
  const deleted = await conn.sobject('Contact').create({ LastName: 'Deleted' });
  await conn.sobject('Contact').destroy(deleted.id);
  await assert.rejects(conn.sobject('Contact').update({ Id: deleted.id, HasOptedOutOfEmail: true }),
    (e) => e.errorCode === 'ENTITY_IS_DELETED');
  const [result] = await conn.sobject('Contact').update([{ Id: deleted.id, HasOptedOutOfEmail: true }], { allOrNone: false });
  assert.equal(result.success, false);
  const code = result.errors[0].statusCode || result.errors[0].errorCode;
  assert.equal(code, 'ENTITY_IS_DELETED', JSON.stringify(result));
});

await check('sObject Collections update of mixed records, allOrNone false', async () => {
  const lead = await conn.sobject('Lead').create({ LastName: 'Collections', Company: 'Acme' });
  const second = await conn.sobject('Contact').create({ LastName: 'Second' });
  const results = await conn.sobject('Contact').update(
    [{ Id: contactId, HasOptedOutOfEmail: true }, { Id: second.id, HasOptedOutOfEmail: true }],
    { allOrNone: false });
  assert.equal(results.length, 2);
  assert.ok(results.every((r) => r.success), JSON.stringify(results));
  const leadResult = await conn.sobject('Lead').update([{ Id: lead.id, HasOptedOutOfEmail: true }], { allOrNone: true });
  assert.equal(leadResult[0].success, true);
});

await check('SOQL query paged through nextRecordsUrl', async () => {
  const first = await conn.query('SELECT Id, Email FROM Contact', { autoFetch: false, headers: { 'Sforce-Query-Options': 'batchSize=200' } });
  assert.ok(first.totalSize > 200, `totalSize ${first.totalSize}`);
  assert.equal(first.done, false);
  assert.ok(first.nextRecordsUrl);
  const all = await conn.query('SELECT Id, Email FROM Contact').run({ autoFetch: true, maxFetch: 100000 });
  assert.equal(all.records.length, first.totalSize);
  const ada = await conn.query("SELECT Id, HasOptedOutOfEmail FROM Contact WHERE Email = 'ada.lovelace@example.com'");
  assert.equal(ada.totalSize, 1);
});

await check('describe lists the opt-out fields', async () => {
  const describe = await conn.sobject('Lead').describe();
  const names = describe.fields.map((f) => f.name);
  assert.ok(names.includes('HasOptedOutOfEmail'));
  assert.ok(describe.fields.some((f) => f.label === 'Marketo Sales Opt Out' && f.type === 'boolean'));
});

await check('limits report the daily allowance', async () => {
  const limits = await conn.limits();
  assert.ok(limits.DailyApiRequests.Max > 0);
  assert.ok(limits.DailyApiRequests.Remaining < limits.DailyApiRequests.Max);
});

await check('Bulk API 2.0 query', async () => {
  conn.bulk2.pollInterval = 100;
  conn.bulk2.pollTimeout = 60000;
  const records = await conn.bulk2.query('SELECT Id, Email, HasOptedOutOfEmail FROM Contact');
  const list = Array.isArray(records) ? records : await records.toArray();
  const total = (await conn.query('SELECT Id FROM Contact').run({ autoFetch: true, maxFetch: 100000 })).records.length;
  assert.equal(list.length, total);
  assert.ok(list.some((r) => r.Id === contactId));
});

await check('a bad session is refused with INVALID_SESSION_ID', async () => {
  const stale = new jsforce.Connection({ instanceUrl: url, accessToken: '00Dbogus!token', version: '62.0' });
  await assert.rejects(stale.query('SELECT Id FROM Contact'), (e) => e.errorCode === 'INVALID_SESSION_ID' || /INVALID_SESSION_ID/.test(String(e)));
});

console.log('jsforce fidelity: all checks passed');
