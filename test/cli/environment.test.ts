import { describe, expect, it } from 'vitest';
import { nodeSupportNote } from '../../src/cli/environment.js';

describe('the note about the Node.js version', () => {
  it.each([
    { version: 'v20.20.2', says: 'note: Node.js 20 is past end of life' },
    { version: 'v20.9.0', says: 'note: Node.js 20 is past end of life' },
    { version: 'v22.23.5', says: null },
    { version: 'v24.22.3', says: null },
    { version: 'v26.0.0', says: null },
  ])('on $version: $says', ({ version, says }) => {
    const note = nodeSupportNote(version);
    if (says === null) expect(note).toBeNull();
    else {
      expect(note).toContain(says);
      expect(note).toContain('upgrade Node');
      expect(note).not.toContain('\n');
    }
  });
});
