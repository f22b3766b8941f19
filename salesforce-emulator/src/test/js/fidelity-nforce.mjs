// Drives the emulator with nforce, a second Salesforce client we did not write (its own HTTP layer, not jsforce's).
// Usage: EMULATOR_URL=http://127.0.0.1:8089 CLIENT_ID=... CLIENT_SECRET=... node fidelity-nforce.mjs
import nforce from 'nforce';
import assert from 'node:assert/strict';

const url = process.env.EMULATOR_URL;

async function check(name, fn) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    console.log(`FAIL ${name}: ${e && e.stack ? e.stack : JSON.stringify(e)}`);
    process.exit(1);
  }
}

// nforce has no client-credentials grant: the token comes from the documented token endpoint, then nforce uses it.
const token = await (await fetch(url + '/services/oauth2/token', {
  method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ grant_type: 'client_credentials', client_id: process.env.CLIENT_ID, client_secret: process.env.CLIENT_SECRET }),
})).json();
const org = nforce.createConnection({
  clientId: process.env.CLIENT_ID, clientSecret: process.env.CLIENT_SECRET, redirectUri: url + '/callback',
  apiVersion: 'v62.0', mode: 'single', loginUri: url + '/services/oauth2/token',
});
org.setOAuth(token);

await check('identity, versions, resources, describe global, describe, limits', async () => {
  const identity = await org.getIdentity();
  assert.ok(identity.user_id && identity.organization_id, JSON.stringify(identity));
  // nforce's getVersions() asks na1.salesforce.com whatever the instance: its generic GET is used instead.
  const versions = await org.getUrl({ url: '/services/data/' });
  assert.ok(versions.some((v) => v.version === '62.0'));
  const resources = await org.getResources();
  assert.equal(resources.sobjects, '/services/data/v62.0/sobjects');
  const global = await org.getSObjects();
  assert.ok(global.sobjects.some((o) => o.name === 'Contact'));
  const describe = await org.getDescribe({ type: 'Contact' });
  assert.ok(describe.fields.some((f) => f.name === 'HasOptedOutOfEmail'));
  const limits = await org.getLimits({ type: 'DailyApiRequests' });
  assert.ok(limits);
});

await check('insert, read, update, delete a Contact', async () => {
  const contact = nforce.createSObject('Contact', { LastName: 'Nforce', Email: 'nforce@example.com' });
  const created = await org.insert({ sobject: contact });
  assert.equal(created.id.length, 18);
  const read = await org.getRecord({ type: 'Contact', id: created.id });
  assert.equal(read.get('Email'), 'nforce@example.com');
  read.set('HasOptedOutOfEmail', true);
  await org.update({ sobject: read });
  const again = await org.getRecord({ type: 'Contact', id: created.id, fields: ['HasOptedOutOfEmail'] });
  assert.equal(again.get('HasOptedOutOfEmail'), true);
  await org.delete({ sobject: again });
});

await check('SOQL: records, COUNT(), the Organization row, queryAll', async () => {
  const ada = await org.query({ query: "SELECT Id, Email FROM Contact WHERE Email = 'ada.lovelace@example.com'" });
  assert.equal(ada.totalSize, 1);
  const count = await org.query({ query: 'SELECT COUNT() FROM Contact' });
  assert.ok(count.totalSize >= 30, JSON.stringify(count));
  const organization = await org.query({ query: 'SELECT Id, Name, IsSandbox FROM Organization' });
  assert.equal(organization.records.length, 1);
  assert.equal(organization.records[0].get('IsSandbox'), false);
  const all = await org.queryAll({ query: 'SELECT Id FROM Contact WHERE IsDeleted = true' });
  assert.ok(all.totalSize >= 1, 'the deleted Contact is seen by queryAll');
});

await check('Salesforce-shaped errors', async () => {
  await assert.rejects(org.getRecord({ type: 'Contact', id: '003000000000000AAA' }), (e) => e.errorCode === 'NOT_FOUND' || e.errorCode === 'ENTITY_IS_DELETED' || /NOT_FOUND/.test(String(e.message)));
  await assert.rejects(org.query({ query: 'SELECT Nope FROM Contact' }), (e) => e.errorCode === 'INVALID_FIELD' || /INVALID_FIELD/.test(String(e.message)));
});

console.log('nforce fidelity: all checks passed');
