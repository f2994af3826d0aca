/** bench:workflow-cost — the baseline: a workflow module that imports nothing. */
export async function emptyWorkflow(): Promise<void> {}
