/**
 * Turns a character offset into a 1-based line and column, as the yaml library's LineCounter does (same answers,
 * so either can be handed to the other's users) without loading that library.
 */

/** What positions are read through. */
export interface LinePositions {
  linePos(offset: number): { line: number; col: number };
}

/** Line starts, added in ascending order (`addNewLine` is what the yaml parser calls at each line break). */
export class Lines implements LinePositions {
  readonly lineStarts: number[] = [];

  readonly addNewLine = (offset: number): void => {
    this.lineStarts.push(offset);
  };

  readonly linePos = (offset: number): { line: number; col: number } => {
    let low = 0;
    let high = this.lineStarts.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((this.lineStarts[mid] as number) < offset) low = mid + 1;
      else high = mid;
    }
    if (this.lineStarts[low] === offset) return { line: low + 1, col: 1 };
    if (low === 0) return { line: 0, col: offset };
    return { line: low, col: offset - (this.lineStarts[low - 1] as number) + 1 };
  };
}
