// Drives the emulator with jsforce (a Salesforce client library we did not write), the way an integration would drive
// a real org: OAuth client credentials, who the token is, versions and resources, CRUD, sObject Collections, SOQL with
// paging, COUNT() and the Organization row, describe global, a Bulk API 2.0 query, and Salesforce-shaped errors.
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

await check('who the token is: identity URL, UserInfo, the User record', async () => {
  const identity = await conn.identity();
  assert.equal(identity.organization_id, conn.userInfo.organizationId);
  assert.ok(identity.username);
  const userinfo = await conn.request('/services/oauth2/userinfo');
  assert.equal(userinfo.user_id, identity.user_id);
  assert.equal(userinfo.preferred_username, identity.username);
  const user = await conn.sobject('User').retrieve(identity.user_id);
  assert.equal(user.Username, identity.username);
});

await check('versions and the resources of a version', async () => {
  const versions = await conn.request('/services/data');
  assert.ok(versions.some((v) => v.version === '62.0'), JSON.stringify(versions));
  const resources = await conn.request('/services/data/v62.0');
  assert.equal(resources.sobjects, '/services/data/v62.0/sobjects');
});

await check('COUNT(), the Organization row and column metadata', async () => {
  const count = await conn.query('SELECT COUNT() FROM Contact');
  assert.ok(count.totalSize > 200, `totalSize ${count.totalSize}`);
  assert.equal(count.records.length, 0);
  const org = await conn.query('SELECT Id, Name, IsSandbox, OrganizationType FROM Organization');
  assert.equal(org.totalSize, 1);
  assert.equal(org.records[0].Id, conn.userInfo.organizationId);
  const columns = await conn.request('/services/data/v62.0/query?columns=true&q=' + encodeURIComponent('SELECT Id, Email FROM Contact'));
  assert.equal(columns.entityName, 'Contact');
  assert.deepEqual(columns.columnMetadata.map((c) => c.columnName), ['Id', 'Email']);
});

await check('describe global and an object\'s basic information', async () => {
  const global = await conn.describeGlobal();
  assert.ok(global.sobjects.some((o) => o.name === 'Lead' && o.keyPrefix === '00Q'));
  const basic = await conn.request('/services/data/v62.0/sobjects/Contact');
  assert.equal(basic.objectDescribe.name, 'Contact');
});

await check('sObject Collections create, allOrNone true', async () => {
  const created = await conn.sobject('Contact').create([{ LastName: 'Many1' }, { LastName: 'Many2' }], { allOrNone: true });
  assert.equal(created.length, 2);
  assert.ok(created.every((r) => r.success && r.id.length === 18), JSON.stringify(created));
});

await check('composite/batch and composite with a reference', async () => {
  const batch = await conn.request({ method: 'POST', url: '/services/data/v62.0/composite/batch',
    body: JSON.stringify({ batchRequests: [{ method: 'GET', url: 'v62.0/limits' }, { method: 'GET', url: 'v62.0/sobjects/Contact/' + contactId }] }),
    headers: { 'Content-Type': 'application/json' } });
  assert.equal(batch.hasErrors, false, JSON.stringify(batch));
  assert.equal(batch.results[1].result.Id, contactId);
  const composite = await conn.request({ method: 'POST', url: '/services/data/v62.0/composite',
    body: JSON.stringify({ allOrNone: false, compositeRequest: [
      { method: 'POST', url: '/services/data/v62.0/sobjects/Contact', referenceId: 'c', body: { LastName: 'Ref', Email: 'ref@example.com' } },
      { method: 'GET', url: '/services/data/v62.0/sobjects/Contact/@{c.id}', referenceId: 'r' }] }),
    headers: { 'Content-Type': 'application/json' } });
  assert.equal(composite.compositeResponse[1].body.Email, 'ref@example.com', JSON.stringify(composite));
});

await check('a query job created with Accept: text/csv, and a Bulk API 2.0 ingest', async () => {
  const job = await conn.request({ method: 'POST', url: '/services/data/v62.0/jobs/query',
    body: JSON.stringify({ operation: 'query', query: 'SELECT Id FROM Contact' }),
    headers: { 'Content-Type': 'application/json', Accept: 'text/csv; charset=UTF-8' } });
  assert.equal(job.state, 'UploadComplete', JSON.stringify(job));
  conn.bulk2.pollInterval = 100;
  conn.bulk2.pollTimeout = 60000;
  const results = await conn.bulk2.loadAndWaitForResults({ object: 'Contact', operation: 'update',
    input: [{ Id: contactId, HasOptedOutOfEmail: true }] });
  assert.equal(results.successfulResults.length, 1, JSON.stringify(results));
});

await check('errors the framework would answer come in Salesforce\'s shape', async () => {
  await assert.rejects(conn.request('/services/data/v62.0/nowhere'), (e) => e.errorCode === 'NOT_FOUND');
  await assert.rejects(conn.request({ method: 'DELETE', url: '/services/data/v62.0/limits' }), (e) => e.errorCode === 'METHOD_NOT_ALLOWED');
  await assert.rejects(conn.request({ method: 'GET', url: '/services/data/v62.0/limits', headers: { Accept: 'application/xml' } }),
    (e) => e.errorCode === 'NOT_ACCEPTABLE');
  await assert.rejects(conn.request({ method: 'POST', url: '/services/data/v62.0/sobjects/Contact', body: 'LastName=X',
    headers: { 'Content-Type': 'text/plain' } }), (e) => e.errorCode === 'UNSUPPORTED_MEDIA_TYPE');
});

await check('a bad session is refused with INVALID_SESSION_ID', async () => {
  const stale = new jsforce.Connection({ instanceUrl: url, accessToken: '00Dbogus!token', version: '62.0' });
  await assert.rejects(stale.query('SELECT Id FROM Contact'), (e) => e.errorCode === 'INVALID_SESSION_ID' || /INVALID_SESSION_ID/.test(String(e)));
});

console.log('jsforce fidelity: all checks passed');
