/** bench:workflow-cost — the ticket action registry alone (zod, the actions' schemas, the rules they import). */
import { ACTIONS } from '../../../domain/ticket/actions';

export const registry = ACTIONS;
export async function actionsWorkflow(): Promise<void> {}
