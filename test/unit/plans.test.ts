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
