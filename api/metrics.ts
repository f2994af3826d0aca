/** Prometheus metrics of the API process; SLA totals are read from the durable timeline at scrape time. */
import { Counter, Histogram, Registry, collectDefaultMetrics, Gauge } from 'prom-client';
import { eventTypesCounted } from '../domain/ticket/events';
import type { RequestHandler } from 'express';
import type { Db } from '../db/connection';

export interface ApiMetrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  ticketsCreated: Counter<'channel' | 'type'>;
}

export function createApiMetrics(db: Db): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ticketflow_api_' });
  const httpDuration = new Histogram({
    name: 'ticketflow_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const ticketsCreated = new Counter({
    name: 'ticketflow_tickets_created_by_api_total',
    help: 'Tickets created through this API process',
    labelNames: ['channel', 'type'] as const,
    registers: [registry],
  });
  // Tickets whose timeline the database refuses (activities/projection.ts): read from PostgreSQL, the same on every replica.
  new Gauge({
    name: 'ticketflow_stuck_tickets',
    help: 'Tickets whose timeline the database refused; their workflows keep the events and try again',
    registers: [registry],
    async collect() {
      const row = (await db('projection_failures').count('* as n').first()) as { n: string | number } | undefined;
      this.set(Number(row?.n ?? 0));
    },
  });
  // Counted from ticket_events (written exactly once by the workflows), so every API replica reports the same truth.
  new Gauge({
    name: 'ticketflow_events_total',
    help: 'Ticket timeline events recorded, by type (tickets created, SLA warnings and breaches, escalations)',
    labelNames: ['type'] as const,
    registers: [registry],
    async collect() {
      const rows = (await db('ticket_events')
        .select('type')
        .count<{ type: string; count: number }[]>('* as count')
        .whereIn('type', (['created', 'warning', 'breach', 'escalation'] as const).flatMap(eventTypesCounted))
        .groupBy('type')) as Array<{ type: string; count: string | number }>;
      this.reset();
      for (const r of rows) this.set({ type: r.type }, Number(r.count));
    },
  });
  return { registry, httpDuration, ticketsCreated };
}

export function httpMetricsMiddleware(m: ApiMetrics): RequestHandler {
  return (req, res, next) => {
    const end = m.httpDuration.startTimer();
    res.on('finish', () => {
      // The matched route pattern keeps label cardinality bounded (ids are not labels).
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}
