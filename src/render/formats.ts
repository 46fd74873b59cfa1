/**
 * The output formats of `plan` and `drift`, each chosen once through one map per report, so adding a format is a
 * compile error until every report can render it.
 */
import type { PlanDocument } from '../plan/document.js';
import type { DriftReport } from '../plan/drift.js';
import type { Style } from './ansi.js';
import type { Format } from './format-names.js';
import { renderJsonDrift, renderJsonPlan } from './json.js';
import { renderMarkdownDrift, renderMarkdownPlan } from './markdown.js';
import { renderTextDrift, renderTextPlan } from './text.js';

export { FORMATS, type Format } from './format-names.js';

/** Renders a whole report to text; `style` colours the terminal format and is ignored by the others. */
export type Renderer<R> = (report: R, style: Style) => string;
export type PlanRenderer = Renderer<PlanDocument>;
export type DriftRenderer = Renderer<DriftReport>;

export const PLAN_RENDERERS = {
  text: (doc, style) => renderTextPlan(doc, style),
  json: (doc, _style) => renderJsonPlan(doc),
  markdown: (doc, _style) => renderMarkdownPlan(doc),
} satisfies Record<Format, PlanRenderer>;

export const DRIFT_RENDERERS = {
  text: (report, style) => renderTextDrift(report, style),
  json: (report, _style) => renderJsonDrift(report),
  markdown: (report, _style) => renderMarkdownDrift(report),
} satisfies Record<Format, DriftRenderer>;
