/** bench:workflow-cost — the zod-free rules the ticket workflow runs on: calendar, SLA clocks, transitions. */
import { addWorkingTime } from '../../../domain/calendar';
import * as clock from '../../../domain/sla-clock';
import { nextLevel } from '../../../domain/transitions';

export const rules = [addWorkingTime, clock, nextLevel];
export async function rulesWorkflow(): Promise<void> {}
