/** Which failures mean "a dependency is out of reach" (503 with Retry-After) rather than a bug (500). */
import { NamespaceNotFoundError } from '@temporalio/client';
import { isDependencyUnavailable } from '../../api/errors';

const named = (name: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(name), { name, ...extra });

describe('isDependencyUnavailable', () => {
  it.each([
    ['PostgreSQL refused the connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['PostgreSQL shutting down (57P01)', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['a connection exception class 08', Object.assign(new Error('connection failure'), { code: '08006' })],
    ['too many connections (53300)', Object.assign(new Error('too many clients'), { code: '53300' })],
    ['no pool connection in time', named('KnexTimeoutError')],
    ['Temporal unavailable (gRPC 14)', named('ServiceError', { code: 14 })],
    ['Temporal deadline exceeded (gRPC 4)', named('ConnectionError', { code: 4 })],
    ['a restarted Temporal server that has not loaded its namespaces yet', new NamespaceNotFoundError('default')],
    ['the cause of a wrapping error', new Error('starting the workflow failed', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) })],
    ['one of an AggregateError', new AggregateError([new Error('x'), Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })])],
  ])('%s: yes', (_what, err) => {
    expect(isDependencyUnavailable(err)).toBe(true);
  });

  it.each([
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a constraint violation (23505)', Object.assign(new Error('duplicate key'), { code: '23505' })],
    ['a value PostgreSQL cannot store (22P05)', Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' })],
    ['Temporal: not found (gRPC 5)', named('ServiceError', { code: 5 })],
    ['nothing', undefined],
  ])('%s: no', (_what, err) => {
    expect(isDependencyUnavailable(err)).toBe(false);
  });
});
