/**
 * The papers' claim sets `xenhpc validate` can check, each keyed by the name a scenario gives in
 * `claims.set`, with the roles its checks need (which profile stands for which kernel or device
 * model) and their defaults. A scenario without `claims:` is checked against paper-2006.
 */
import { checkClaims, type ClaimResult, type CompareLike, type SummaryLike } from './claims.js';
import { checkClaims2008 } from './claims-2008.js';

export interface ClaimSet {
  /** Role name -> what it stands for (the default profile name in parentheses). */
  roles: Readonly<Record<string, string>>;
  check(summary: readonly SummaryLike[], compare: readonly CompareLike[], roles: Readonly<Record<string, string>>): ClaimResult[];
}

export const CLAIM_SETS: Readonly<Record<string, ClaimSet>> = {
  'paper-2006': {
    roles: { rhel269: 'RHEL 2.6.9 (rhel-2.6.9)', rhel2612: 'RHEL 2.6.12 (rhel-2.6.12)', chaos: 'CHAOS (chaos-2.6.9)', xen: 'the Xen guest (xen-3.0.1)' },
    check: (s, c, r) => checkClaims(s, c, r),
  },
  'paper-2008': {
    roles: {
      dom0: 'HVM guest, qemu-dm in dom0 (xen-hvm)',
      stubdom: 'HVM guest, qemu in a stub domain (xen-hvm-stubdom)',
      pv: 'the PV Linux guest (xen-3.0.1)',
      minios: "ranks in Mini-OS domains, lwIP's default windows (minios)",
      miniosTuned: 'ranks in Mini-OS domains, tuned lwIP windows (minios-tuned)',
    },
    check: (s, c, r) => checkClaims2008(s, c, r),
  },
};

export const DEFAULT_CLAIM_SET = 'paper-2006';
