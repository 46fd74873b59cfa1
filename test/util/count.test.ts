import { describe, expect, it } from 'vitest';
import { grouped } from '../../src/util/count.js';

describe('grouped', () => {
  it.each([0, 7, 999, 1000, 5015, 65_536, 1_000_000, 123_456_789, -1234, -999, Number.MAX_SAFE_INTEGER])(
    'writes %d as toLocaleString("en-US") does',
    (n) => {
      expect(grouped(n)).toBe(n.toLocaleString('en-US'));
    },
  );

  it('leaves what is not a safe integer as String() writes it', () => {
    expect(grouped(1.5)).toBe('1.5');
    expect(grouped(Number.NaN)).toBe('NaN');
  });
});
