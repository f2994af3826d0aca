import { DEFAULT_PRIORITY_MATRIX, derivePriority, type PriorityMatrix } from '../../domain/priority';

describe('impact × urgency → priority (SPEC §4.2)', () => {
  it.each([
    ['high', 'high', 'P1'],
    ['high', 'medium', 'P2'],
    ['high', 'low', 'P3'],
    ['medium', 'high', 'P2'],
    ['medium', 'medium', 'P3'],
    ['medium', 'low', 'P4'],
    ['low', 'high', 'P3'],
    ['low', 'medium', 'P4'],
    ['low', 'low', 'P4'],
  ] as const)('impact %s, urgency %s → %s', (impact, urgency, priority) => {
    expect(derivePriority(impact, urgency)).toBe(priority);
  });

  it('uses an edited matrix when one is given', () => {
    const edited: PriorityMatrix = { ...DEFAULT_PRIORITY_MATRIX, low: { high: 'P2', medium: 'P3', low: 'P4' } };
    expect(derivePriority('low', 'high', edited)).toBe('P2');
    expect(derivePriority('low', 'high')).toBe('P3');
  });
});
