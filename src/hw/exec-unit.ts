/**
 * Something that executes work one item at a time: a physical CPU core, or (under Xen) a
 * virtual CPU that the hypervisor schedules onto physical cores. Work is charged as time.
 */
export interface ExecUnit {
  readonly name: string;
  /**
   * Charge `ns` of work submitted now. Items run one at a time in submission order (FIFO);
   * returns the absolute time at which this item completes.
   */
  exec(ns: number): number;
  /** Total work executed so far (ns). */
  readonly busyNs: number;
}
