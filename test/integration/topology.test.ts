/**
 * The integration suite runs on the production topology's Temporal: the real server with PostgreSQL persistence and
 * SQL visibility (cluster-setup.ts), not the dev server (SQLite). TICKETFLOW_TEST_TEMPORAL=dev opts out.
 */
import { Connection } from '@temporalio/client';
import { requireEnv, TEST_ENV } from '../support/env';

const onCluster = process.env.TICKETFLOW_TEST_TEMPORAL !== 'dev';

(onCluster ? describe : describe.skip)('the Temporal the integration tests talk to', () => {
  it('is the real server on PostgreSQL, with the ticket search attributes in SQL visibility', async () => {
    const address = requireEnv(TEST_ENV.temporalAddress);
    expect(address).toBe(requireEnv(TEST_ENV.clusterAddress));
    const conn = await Connection.connect({ address });
    try {
      const info = await conn.workflowService.getClusterInfo({});
      expect(info.persistenceStore).toBe('postgres12');
      expect(info.visibilityStore).toBe('postgres12');
      expect(info.serverVersion).toBe('1.29.1');
      const attrs = await conn.operatorService.listSearchAttributes({ namespace: 'default' });
      expect(Object.keys(attrs.customAttributes ?? {})).toEqual(expect.arrayContaining(['TicketStatus', 'TicketPriority', 'TicketType', 'SupportLevel', 'CustomerId', 'SlaState']));
    } finally {
      await conn.close();
    }
  });
});
