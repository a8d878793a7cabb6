/**
 * Schema of the Xen section of a kernel profile (path: xen). Filled in by the Xen path; each
 * entry has a unit, a range and a meaning; docs/model.md gives the source of each value.
 */
import type { ParamSpec } from '../os/profile.js';

export const XEN_PARAMS: Record<string, ParamSpec> = {};
