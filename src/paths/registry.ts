/**
 * Every packet path, once. The profile loader, the cluster builder and `xenhpc profiles` loop
 * over this table; adding a path is one module and one line here (docs/extending.md).
 */
import type { PathModule } from './module.js';
import { NATIVE_PATH } from './native.js';
import { XEN_PATH } from './xen.js';
import { XEN_HVM_PATH } from './xen-hvm.js';
import { XEN_HVM_STUBDOM_PATH } from './xen-hvm-stubdom.js';
import { XEN_PASSTHROUGH_PATH } from './xen-passthrough.js';
import { MINIOS_PATH } from './minios.js';

export const PATHS: readonly PathModule[] = [NATIVE_PATH, XEN_PATH, XEN_HVM_PATH, XEN_HVM_STUBDOM_PATH, XEN_PASSTHROUGH_PATH, MINIOS_PATH];

/** The path called `name`, or undefined. */
export function findPath(name: string): PathModule | undefined {
  return PATHS.find((p) => p.name === name);
}

/** The names of all paths, for "allowed" messages. */
export function pathNames(): string[] {
  return PATHS.map((p) => p.name);
}
