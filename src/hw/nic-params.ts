/**
 * The parameters of a node's NIC (an e1000 and its driver's moderation settings), as the NIC model
 * reads them. Their profile schema (unit, range, meaning) is NIC_PARAMS in src/os/profile.ts;
 * the type lives here because hw sits below os and must not import it.
 */
export interface NicParams {
  /** TX descriptor ring slots. */
  txRingSlots: number;
  /** RX descriptor ring slots. */
  rxRingSlots: number;
  /** The e1000 InterruptThrottleRate the driver applies: 0 off, 1 dynamic, else a fixed rate (ints/s). */
  interruptThrottleRate: number;
  /** RDTR: RX packet timer, restarted by each frame (units of 1.024 us; 0 = interrupt at once). */
  rxIntDelayUnits: number;
  /** RADV: RX absolute timer from the first frame after an interrupt (1.024 us; only with RDTR > 0). */
  rxAbsIntDelayUnits: number;
  /** TIDV: TX packet timer, restarted by each completed descriptor (1.024 us; 0 = at once). */
  txIntDelayUnits: number;
  /** TADV: TX absolute timer from the first completed descriptor (1.024 us; only with TIDV > 0). */
  txAbsIntDelayUnits: number;
  /** Period of the driver's watchdog, which re-evaluates the dynamic throttle rate. */
  watchdogPeriodNs: number;
  /** Host-side latency of a descriptor: DMA of the frame and of its descriptor (per frame). */
  dmaNs: number;
}
