import { act, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { DeskClient } from '../../../shared/client';
import { snapshot } from '../testing/fixtures';
import { appendSnapshot, type SeriesData, useHistory } from './history';

describe('appendSnapshot', () => {
  it('appends a newer snapshot, ignores an older or equal one, and trims to the range', () => {
    const data: SeriesData = { var_95: [[Date.parse('2026-11-26T14:00:00Z'), -0.01]] };
    expect(appendSnapshot(data, ['var_95', 'concentration_risk.hhi'], snapshot('p', { var_95: -0.02, timestamp: '2026-11-26T14:30:00.000Z' }), null)).toBe(true);
    expect(data.var_95!.map((p) => p[1])).toEqual([-0.01, -0.02]);
    expect(data['concentration_risk.hhi']).toHaveLength(1);
    expect(appendSnapshot(data, ['var_95'], snapshot('p', { timestamp: '2026-11-26T14:30:00.000Z' }), null)).toBe(false);
    appendSnapshot(data, ['var_95'], snapshot('p', { var_95: -0.03, timestamp: '2026-11-26T14:31:00.000Z' }), Date.parse('2026-11-26T14:10:00Z'));
    expect(data.var_95!.map((p) => p[1])).toEqual([-0.02, -0.03]);
  });
});

describe('useHistory', () => {
  it('ends the loaded history with the snapshot that was already there when the history arrived', async () => {
    let answer: (points: unknown) => void = () => undefined;
    const client = {
      call: (name: string) => {
        expect(name).toBe('portfolios.history');
        return new Promise((resolve) => (answer = resolve));
      },
    } as unknown as DeskClient;
    const live = snapshot('p', { var_95: -0.02, timestamp: '2026-11-26T14:30:00.000Z' });
    const { result } = renderHook(() => useHistory(client, 'p', ['var_95'], 'all', live));
    // The snapshot came first (one load reads every latest snapshot); the history lands after it.
    await act(async () => answer({ portfolio_id: 'p', metric: 'var_95', points: [{ ts: '2026-11-26T14:00:00.000Z', value: -0.01, stale: false, resolution: 'raw' }] }));
    await waitFor(() => expect(result.current.loading).toBe(false));
    expect(result.current.data.var_95!.map((p) => p[1])).toEqual([-0.01, -0.02]);
  });
});
