/**
 * The output formats by name, per report: imported by the CLI entry to declare `--format`, without loading any
 * renderer. Each report's renderer map must cover exactly its list (a compile error otherwise).
 */
export const PLAN_FORMATS = ['text', 'json', 'markdown'] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

export const DRIFT_FORMATS = ['text', 'json', 'markdown', 'html'] as const;
export type DriftFormat = (typeof DRIFT_FORMATS)[number];

export const STATUS_FORMATS = ['text', 'json', 'html'] as const;
export type StatusFormat = (typeof STATUS_FORMATS)[number];

/** Any format some report has. */
export type Format = PlanFormat | DriftFormat | StatusFormat;
