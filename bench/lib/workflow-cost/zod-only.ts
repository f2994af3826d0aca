/** bench:workflow-cost — zod alone, with one schema: what the library costs each workflow before our schemas. */
import { z } from 'zod';

export const oneSchema = z.string();
export async function zodOnlyWorkflow(): Promise<void> {}
