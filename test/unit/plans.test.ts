import { contractInForce, DEFAULT_PLANS, effectiveTargets, type Contract } from '../../domain/plans';

const premium = DEFAULT_PLANS.find((p) => p.id === 'premium')!;
const H = 3_600_000;

function contract(overrides: Partial<Contract>): Contract {
  return { id: 'c', customerId: 'x', name: 'c', validFrom: '2026-01-01', validTo: null, targets: {}, businessCalendarId: null, warningThreshold: null, levelBudgets: null, serviceReport: null, ...overrides };
}

describe('plans and contracts (SPEC §2)', () => {
  it('seeds the four plans with the numbers of the table', () => {
    expect(DEFAULT_PLANS.map((p) => p.id)).toEqual(['basic', 'standard', 'premium', 'strategic']);
    const basic = DEFAULT_PLANS[0];
    expect(basic.channels).not.toContain('phone');
    expect(basic.targets.P4.resolution).toBeNull();
    expect(basic.targets.P3.firstResponse).toEqual({ ms: 18 * H, coverage: 'business' });
    expect(premium.targets.P1.firstResponse).toEqual({ ms: 1 * H, coverage: '24x7' });
    expect(premium.targets.P2.firstResponse).toEqual({ ms: 2 * H, coverage: 'business' });
    const strategic = DEFAULT_PLANS[3];
    expect(strategic.targets.P1.firstResponse).toEqual({ ms: 15 * 60_000, coverage: '24x7' });
    expect(strategic.targets.P2.resolution).toEqual({ ms: 12 * H, coverage: '24x7' });
    expect(strategic.targets.P3.resolution).toEqual({ ms: 18 * H, coverage: 'business' });
    for (const p of DEFAULT_PLANS) {
      expect(p.warningThreshold).toBe(0.8);
      expect(p.levelBudgets).toEqual({ L1: 0.25, L2: 0.75 });
    }
  });

  it('lets a contract override any subset of targets, including seconds and "none"', () => {
    const c = contract({ targets: { P1: { firstResponse: { ms: 30_000, coverage: '24x7' } }, P4: { resolution: null } } });
    const t = effectiveTargets(premium, c);
    expect(t.P1.firstResponse).toEqual({ ms: 30_000, coverage: '24x7' });
    expect(t.P1.resolution).toEqual(premium.targets.P1.resolution);
    expect(t.P4.resolution).toBeNull();
    expect(premium.targets.P4.resolution).not.toBeNull();
  });

  it('picks the contract valid on the day, latest start first', () => {
    const old = contract({ id: 'old', validFrom: '2025-01-01', validTo: '2025-12-31' });
    const current = contract({ id: 'current', validFrom: '2026-01-01' });
    const future = contract({ id: 'future', validFrom: '2027-01-01' });
    expect(contractInForce([old, current, future], '2025-06-01')?.id).toBe('old');
    expect(contractInForce([old, current, future], '2026-06-01')?.id).toBe('current');
    expect(contractInForce([old, current, future], '2027-06-01')?.id).toBe('future');
    expect(contractInForce([old], '2026-06-01')).toBeNull();
  });
});

describe('which contract is in force on a day', () => {
  const year2026 = contract({ id: '2026', validFrom: '2026-01-01', validTo: '2026-12-31' });

  test.each<[string, string | null, string]>([
    ['2025-12-31', null, 'the day before its first day'],
    ['2026-01-01', '2026', 'its first day'],
    ['2026-07-15', '2026', 'a day inside'],
    ['2026-12-31', '2026', 'its last day'],
    ['2027-01-01', null, 'the day after its last day'],
  ])('on %s: %s (%s)', (day, expected) => {
    expect(contractInForce([year2026], day)?.id ?? null).toBe(expected);
  });

  test('an open-ended contract runs from its first day on', () => {
    const open = contract({ id: 'open', validFrom: '2026-03-01', validTo: null });
    expect(contractInForce([open], '2026-02-28')).toBeNull();
    expect(contractInForce([open], '2026-03-01')?.id).toBe('open');
    expect(contractInForce([open], '2099-12-31')?.id).toBe('open');
  });

  test('where contracts overlap, the one that started last wins, whatever their order', () => {
    const base = contract({ id: 'base', validFrom: '2026-01-01', validTo: null });
    const summer = contract({ id: 'summer', validFrom: '2026-06-01', validTo: '2026-08-31' });
    const spring = contract({ id: 'spring', validFrom: '2026-03-01', validTo: '2026-09-30' });
    for (const order of [[base, summer, spring], [spring, summer, base], [summer, base, spring]]) {
      expect(contractInForce(order, '2026-07-01')?.id).toBe('summer');
      expect(contractInForce(order, '2026-09-15')?.id).toBe('spring');
      expect(contractInForce(order, '2026-02-01')?.id).toBe('base');
    }
  });

  test('of two contracts starting the same day, the first listed wins', () => {
    const a = contract({ id: 'a', validFrom: '2026-01-01' });
    const b = contract({ id: 'b', validFrom: '2026-01-01' });
    expect(contractInForce([a, b], '2026-05-01')?.id).toBe('a');
    expect(contractInForce([b, a], '2026-05-01')?.id).toBe('b');
  });
});

describe('effective targets', () => {
  test('without a contract, the plan targets as they are, as a copy', () => {
    const t = effectiveTargets(premium, null);
    expect(t).toEqual(premium.targets);
    t.P1.firstResponse = null;
    expect(premium.targets.P1.firstResponse).not.toBeNull();
  });

  test('a contract naming a target without a value makes it best effort; one it does not name keeps the plan', () => {
    const c = contract({ targets: { P2: { nextUpdate: undefined } } });
    const t = effectiveTargets(premium, c);
    expect(t.P2.nextUpdate).toBeNull();
    expect(t.P2.firstResponse).toEqual(premium.targets.P2.firstResponse);
    expect(t.P3).toEqual(premium.targets.P3);
  });
});
