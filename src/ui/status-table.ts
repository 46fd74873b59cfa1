/**
 * The status report as the Ink table lays it out: users sorted by a column, narrowed by a filter, a window that
 * keeps the cursor in view, and one user's details. Pure: no React, no terminal.
 */
import type { StatusUser } from '../plan/status.js';
import { STATUS_COLUMNS, statusDetails, type StatusColumnId } from '../render/status-words.js';
import type { Line } from './lines.js';

export interface StatusSort {
  column: StatusColumnId;
  descending: boolean;
}

export const DEFAULT_SORT: StatusSort = { column: 'user', descending: false };

/** Case-insensitive substring match on the user name. */
export function filterUsers(users: readonly StatusUser[], filter: string): StatusUser[] {
  const f = filter.toLowerCase();
  return f === '' ? [...users] : users.filter((u) => u.user.toLowerCase().includes(f));
}

/** Sorted by the column's value, unknown (`null`) last either way, ties by user name. Never mutates. */
export function sortUsers(users: readonly StatusUser[], sort: StatusSort): StatusUser[] {
  const column = STATUS_COLUMNS.find((c) => c.id === sort.column) ?? (STATUS_COLUMNS[0] as (typeof STATUS_COLUMNS)[number]);
  const sign = sort.descending ? -1 : 1;
  return [...users].sort((a, b) => {
    const va = column.sortValue(a);
    const vb = column.sortValue(b);
    if (va === null || vb === null) {
      if (va !== vb) return va === null ? 1 : -1;
    } else if (va !== vb) {
      return (va < vb ? -1 : 1) * sign;
    }
    return a.user < b.user ? -1 : a.user > b.user ? 1 : 0;
  });
}

/** Each column's width: its heading (with the sort mark room) or its widest cell. */
export function columnWidths(users: readonly StatusUser[]): number[] {
  return STATUS_COLUMNS.map((c) => Math.max(c.heading.length + 4, ...users.map((u) => c.cell(u).length)));
}

/** The heading line: each column's sort key and name; the sorted column marked with its direction. */
export function headingLine(widths: readonly number[], sort: StatusSort): Line {
  const segments: Line = [{ text: '  ' }];
  STATUS_COLUMNS.forEach((c, i) => {
    const mark = c.id === sort.column ? (sort.descending ? '▼' : '▲') : ' ';
    segments.push({ text: `${c.key}${mark}${c.heading}`.padEnd((widths[i] as number) + 2), bold: true, ...(c.id === sort.column ? { tone: 'kept' as const } : {}) });
  });
  return segments;
}

export function userLine(user: StatusUser, widths: readonly number[], selected: boolean): Line {
  const segments: Line = [{ text: selected ? '> ' : '  ', bold: selected }];
  STATUS_COLUMNS.forEach((c, i) => {
    const text = c.cell(user);
    // The sort key and its mark take two characters in the heading: cells line up under the name.
    const padded = `  ${text}`.padEnd((widths[i] as number) + 2);
    const tone =
      (c.id === 'expires' && user.expired) || (c.id === 'mfa' && user.console === true && user.mfa === false)
        ? ('destroy' as const)
        : c.id === 'reset' && user.resetPending === true
          ? ('warn' as const)
          : undefined;
    segments.push({ text: padded, ...(c.id === 'user' ? { bold: true } : {}), ...(tone ? { tone } : {}) });
  });
  return segments;
}

/** The first row to show so that the cursor stays in view with as little movement as possible. */
export function windowTop(previousTop: number, cursor: number, count: number, height: number): number {
  let top = Math.min(previousTop, Math.max(0, count - height));
  if (cursor < top) top = cursor;
  if (cursor >= top + height) top = cursor - height + 1;
  return Math.max(0, top);
}

/** The details pane of one user: every fact, and what could not be known and why. */
export function userDetailLines(user: StatusUser): Line[] {
  const rows = statusDetails(user);
  const width = Math.max(...rows.map(([label]) => label.length));
  return [
    [{ text: user.user, bold: true }],
    [{ text: '' }],
    ...rows.map(([label, value]): Line => [{ text: `  ${label.padEnd(width)}  `, dim: true }, { text: value, ...(label === 'not known' ? { tone: 'warn' as const } : {}) }]),
  ];
}
