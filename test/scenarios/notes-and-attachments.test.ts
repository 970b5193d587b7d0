import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, startSyncWorld } from '../harness/sync-world';
import { enable, settled } from '../sync/helpers';
import { bind, dataverseId, readAll, rowsAppear, SMALL_FINOPS_SEED, write } from './support';

/** Notes and attachments of customers, kept in both systems, regarding the customer's account. */
test('activities and notes: customer notes and file attachments both ways', async (t) => {
  const world = await startSyncWorld({ companies: ['usmf'], finopsSeed: SMALL_FINOPS_SEED });
  const fo = world.users.finops;
  const dv = world.users.dataverse;

  await world.withWorker(async () => {
    await enable(world, { maps: ['customer-attachments'], initialSync: { master: 'finops', pageSize: 200 } });
    const account = String((await readAll(fo, 'CustomersV3', "PartyType eq 'Organization'", 'usmf'))[0]!.CustomerAccount);
    const accountId = await dataverseId(world, 'accounts', 'accountid', `accountnumber eq '${account}'`);
    const body = Buffer.from('%PDF-1.4 signed contract').toString('base64');

    await t.test('a note taken on the account in Dataverse appears on the customer in F&O', async () => {
      await write(dv, 'annotations', [{
        id: 'n', kind: 'upsert', key: { _objectid_value: accountId, msdyn_attachmentid: 'NOTE-1' },
        values: { 'objectid_account@odata.bind': `/accounts(${accountId})`, 'msdyn_company@odata.bind': await bind(world, 'cdm_companies', { cdm_companycode: 'USMF' }), objecttypecode: 'account', subject: 'Call notes', notetext: 'Wants delivery on Mondays.', isdocument: false },
      }]);
      const [note] = await rowsAppear(fo, 'CustomerAttachmentsCDS', "AttachmentId eq 'NOTE-1'", 1, 'usmf');
      assert.deepEqual([note!.CustomerAccount, note!.Name, note!.Notes, note!.DocumentType], [account, 'Call notes', 'Wants delivery on Mondays.', 'Note']);
    });

    await t.test('a file attached to the customer in F&O appears as a document on the account', async () => {
      await write(fo, 'CustomerAttachmentsCDS', [
        { id: 'f', kind: 'upsert', mode: 'create', key: { dataAreaId: 'usmf', CustomerAccount: account, AttachmentId: 'FILE-1' }, values: { DocumentType: 'File', Name: 'Contract', FileName: 'contract.pdf', FileType: 'application/pdf', FileContents: body } },
      ]);
      const [doc] = await rowsAppear(dv, 'annotations', "msdyn_attachmentid eq 'FILE-1'");
      assert.deepEqual([doc!._objectid_value, doc!.objecttypecode, doc!.isdocument, doc!.filename, doc!.mimetype, doc!.documentbody], [accountId, 'account', true, 'contract.pdf', 'application/pdf', body]);
    });

    await t.test('editing the note in F&O reaches Dataverse', async () => {
      await write(fo, 'CustomerAttachmentsCDS', [{ id: 'e', kind: 'upsert', mode: 'update', key: { dataAreaId: 'usmf', CustomerAccount: account, AttachmentId: 'NOTE-1' }, values: { Notes: 'Wants delivery on Mondays and Thursdays.' } }]);
      await eventually('the edited note in Dataverse', async () => (await readAll(dv, 'annotations', "msdyn_attachmentid eq 'NOTE-1'"))[0]?.notetext === 'Wants delivery on Mondays and Thursdays.');
    });

    // The Dataverse key of an annotation holds a lookup (objectid): deletes must find their way both ways.
    await t.test('deleting the note in F&O and the document in Dataverse deletes them on the other side', async () => {
      await write(fo, 'CustomerAttachmentsCDS', [{ id: 'd', kind: 'delete', key: { dataAreaId: 'usmf', CustomerAccount: account, AttachmentId: 'NOTE-1' } }]);
      const [doc] = await readAll(dv, 'annotations', "msdyn_attachmentid eq 'FILE-1'");
      await write(dv, 'annotations', [{ id: 'd', kind: 'delete', key: { annotationid: String(doc!.annotationid) } }]);
      await eventually('the note gone from Dataverse', async () => (await readAll(dv, 'annotations', "msdyn_attachmentid eq 'NOTE-1'")).length === 0);
      await eventually('the document gone from F&O', async () => (await readAll(fo, 'CustomerAttachmentsCDS', "AttachmentId eq 'FILE-1'", 'usmf')).length === 0);
    });

    await t.test('nothing is left in the error queue', async () => {
      await settled(world, 'customer-attachments');
      const open = (await world.store.errors.list({ map: 'customer-attachments', status: 'open' })).items;
      assert.deepEqual(open.map((e) => `${e.class}: ${e.message}`), [], JSON.stringify(open));
    });
  });
});
