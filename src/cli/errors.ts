/** Exit codes, as Terraform: 0 success without changes, 1 error, 2 success with changes (when asked for). */
export const EXIT = { ok: 0, error: 1, changes: 2 } as const;
