/** Entry point the worker bundles: every workflow type lives here. */
export { ticketWorkflow } from './ticket';
export { releaseWorkflow } from './release';
export { inboundMailWorkflow } from './inbound-mail';
export { serviceReportWorkflow } from './service-report';
