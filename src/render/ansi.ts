/** Minimal ANSI styling; every renderer takes a `Style` so colour is decided once, by the caller. */
export interface Style {
  green(s: string): string;
  yellow(s: string): string;
  red(s: string): string;
  cyan(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;

export const COLOR: Style = {
  green: wrap(32, 39),
  yellow: wrap(33, 39),
  red: wrap(31, 39),
  cyan: wrap(36, 39),
  bold: wrap(1, 22),
  dim: wrap(2, 22),
};

const same = (s: string) => s;
export const PLAIN: Style = { green: same, yellow: same, red: same, cyan: same, bold: same, dim: same };
