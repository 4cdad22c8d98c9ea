import { describe, expect, it } from 'vitest';
import { detail } from '../testing/render';
import { subMatrix, topComponentVar, topPositions } from './detail';

describe('risk detail helpers', () => {
  const d = detail('p');

  it('ranks holdings by absolute weight and by contribution to VaR', () => {
    expect(topPositions(d, 2).map((p) => p.symbol)).toEqual(['AAPL', 'MSFT']);
    expect(topComponentVar(d, 3)).toEqual([
      { symbol: 'AAPL', value: -0.02 },
      { symbol: 'MSFT', value: -0.008 },
      { symbol: 'TLT', value: -0.002 },
    ]);
  });

  it('cuts the correlation matrix down to the symbols asked for, in their order', () => {
    expect(subMatrix(d, ['TLT', 'AAPL'])).toEqual([
      [1, -0.3],
      [-0.3, 1],
    ]);
    expect(subMatrix(d, ['AAPL', 'XYZ'])).toEqual([
      [1, null],
      [null, null],
    ]);
  });
});
