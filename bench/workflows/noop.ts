/** The trivial workflow of the intake baseline: started exactly like a ticket, does nothing, completes. */
export async function noopWorkflow(): Promise<void> {
  // nothing: the baseline measures the cost of starting a workflow, not of running one
}
