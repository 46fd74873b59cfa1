/**
 * The output formats of `plan`, `drift` and `status`, each chosen once through one map per report, so adding a
 * format to a report's list is a compile error until that report can render it.
 */
import type { PlanDocument } from '../plan/document.js';
import type { DriftReport } from '../plan/drift.js';
import type { StatusReport } from '../plan/status.js';
import type { Style } from './ansi.js';
import type { DriftFormat, PlanFormat, StatusFormat } from './format-names.js';
import { renderHtmlDrift, renderHtmlStatus } from './html.js';
import { renderJsonDrift, renderJsonPlan, renderJsonStatus } from './json.js';
import { renderMarkdownDrift, renderMarkdownPlan } from './markdown.js';
import { renderTextStatus } from './status-text.js';
import { renderTextDrift, renderTextPlan } from './text.js';

export { DRIFT_FORMATS, PLAN_FORMATS, STATUS_FORMATS, type DriftFormat, type PlanFormat, type StatusFormat } from './format-names.js';

/** Renders a whole report to text; `style` colours the terminal format and is ignored by the others. */
export type Renderer<R> = (report: R, style: Style) => string;
export type PlanRenderer = Renderer<PlanDocument>;
export type DriftRenderer = Renderer<DriftReport>;
export type StatusRenderer = Renderer<StatusReport>;

export const PLAN_RENDERERS = {
  text: (doc, style) => renderTextPlan(doc, style),
  json: (doc, _style) => renderJsonPlan(doc),
  markdown: (doc, _style) => renderMarkdownPlan(doc),
} satisfies Record<PlanFormat, PlanRenderer>;

export const DRIFT_RENDERERS = {
  text: (report, style) => renderTextDrift(report, style),
  json: (report, _style) => renderJsonDrift(report),
  markdown: (report, _style) => renderMarkdownDrift(report),
  html: (report, _style) => renderHtmlDrift(report),
} satisfies Record<DriftFormat, DriftRenderer>;

export const STATUS_RENDERERS = {
  text: (report, style) => renderTextStatus(report, style),
  json: (report, _style) => renderJsonStatus(report),
  html: (report, _style) => renderHtmlStatus(report),
} satisfies Record<StatusFormat, StatusRenderer>;
