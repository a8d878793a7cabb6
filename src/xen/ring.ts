/**
 * A Xen shared I/O ring (xen/include/public/io/ring.h): a fixed number of slots shared by a
 * front end that produces requests and a back end that answers each with a response in the
 * same slot space. Four shared indices, as in the header page: req_prod, req_event, rsp_prod,
 * rsp_event; each side also keeps private ones (req_prod_pvt, req_cons on the back end,
 * rsp_prod_pvt, rsp_cons on the front end).
 *
 * Notification suppression: a producer publishes its private index and notifies the other
 * side only if the other side's event index falls in the newly published range
 * (old, new]; a consumer that has drained the ring re-arms its event index to cons + 1 and
 * checks again (RING_FINAL_CHECK_*), so no published work is ever missed.
 *
 * Indices are plain integers that never wrap (JavaScript numbers are exact to 2^53), so the
 * header's unsigned-wrap comparison (new - event) < (new - old) is old < event <= new here.
 */
import type { TraceLayer } from '../engine/trace.js';

export class Ring<Req, Rsp> {
  // Shared page.
  reqProd = 0;
  reqEvent = 1;
  rspProd = 0;
  rspEvent = 1;
  // Front end private.
  reqProdPvt = 0;
  rspCons = 0;
  // Back end private.
  reqCons = 0;
  rspProdPvt = 0;
  private readonly reqs: (Req | undefined)[];
  private readonly rsps: (Rsp | undefined)[];
  /** Largest number of slots ever in use (requests produced and not yet answered and consumed). */
  maxOutstanding = 0;

  constructor(
    readonly name: string,
    readonly size: number,
    private readonly trace: TraceLayer | null,
    private readonly traceNode: string,
    private readonly clock: { readonly now: number },
  ) {
    this.reqs = new Array<Req | undefined>(size);
    this.rsps = new Array<Rsp | undefined>(size);
  }

  // ---- front end ----

  /** Slots the front end may still fill (RING_FREE_REQUESTS). */
  freeRequests(): number {
    return this.size - (this.reqProdPvt - this.rspCons);
  }

  /** Slots in use from the front end's view: requests produced and responses not yet consumed. */
  outstanding(): number {
    return this.reqProdPvt - this.rspCons;
  }

  putRequest(r: Req): void {
    if (this.reqProdPvt - this.rspCons >= this.size) throw new Error(`ring ${this.name}: request into a full ring`);
    this.reqs[this.reqProdPvt % this.size] = r;
    this.reqProdPvt++;
    const out = this.reqProdPvt - this.rspCons;
    if (out > this.maxOutstanding) this.maxOutstanding = out;
  }

  /** RING_PUSH_REQUESTS_AND_CHECK_NOTIFY: publish; true if the back end asked to be told. */
  pushRequests(): boolean {
    const old = this.reqProd;
    const now = this.reqProdPvt;
    this.reqProd = now;
    if (this.trace !== null && now > old) this.trace.emit(this.clock.now, this.traceNode, 'req-produce', this.name, now, now - old, now - this.rspCons);
    return old < this.reqEvent && this.reqEvent <= now;
  }

  unconsumedResponses(): number {
    return this.rspProd - this.rspCons;
  }

  /** The next response without consuming it (a front end that copies out before it takes). */
  peekResponse(): Rsp | undefined {
    return this.rspCons < this.rspProd ? this.rsps[this.rspCons % this.size] : undefined;
  }

  takeResponse(): Rsp {
    if (this.rspCons >= this.rspProd) throw new Error(`ring ${this.name}: no response to take`);
    const i = this.rspCons % this.size;
    const r = this.rsps[i]!;
    this.rsps[i] = undefined;
    this.rspCons++;
    if (this.trace !== null) this.trace.emit(this.clock.now, this.traceNode, 'rsp-consume', this.name, this.rspCons, 0, this.reqProdPvt - this.rspCons);
    return r;
  }

  /**
   * The TX garbage collection of netfront (network_tx_buf_gc, Linux's and Mini-OS's): take every
   * response, and ask for the next event when half the outstanding requests have been answered.
   */
  collectTxResponses(): void {
    let prod: number;
    do {
      prod = this.rspProd;
      while (this.rspCons < prod) this.takeResponse();
      this.rspEvent = prod + ((this.reqProd - prod) >> 1) + 1;
    } while (prod !== this.rspProd);
  }

  /** RING_FINAL_CHECK_FOR_RESPONSES: re-arm rsp_event when drained; true if work remains. */
  finalCheckForResponses(): boolean {
    if (this.rspProd > this.rspCons) return true;
    // Xen re-checks after a barrier for the other CPU's racing publish; events here are sequential.
    this.rspEvent = this.rspCons + 1;
    return false;
  }

  // ---- back end ----

  unconsumedRequests(): number {
    return this.reqProd - this.reqCons;
  }

  takeRequest(): Req {
    if (this.reqCons >= this.reqProd) throw new Error(`ring ${this.name}: no request to take`);
    const i = this.reqCons % this.size;
    const r = this.reqs[i]!;
    this.reqs[i] = undefined;
    this.reqCons++;
    if (this.trace !== null) this.trace.emit(this.clock.now, this.traceNode, 'req-consume', this.name, this.reqCons, 0, this.reqProd - this.reqCons);
    return r;
  }

  /** RING_FINAL_CHECK_FOR_REQUESTS: re-arm req_event when drained; true if work remains. */
  finalCheckForRequests(): boolean {
    if (this.reqProd > this.reqCons) return true;
    // Xen re-checks after a barrier for the other CPU's racing publish; events here are sequential.
    this.reqEvent = this.reqCons + 1;
    return false;
  }

  putResponse(r: Rsp): void {
    if (this.rspProdPvt >= this.reqCons) throw new Error(`ring ${this.name}: response without a consumed request`);
    this.rsps[this.rspProdPvt % this.size] = r;
    this.rspProdPvt++;
  }

  /** RING_PUSH_RESPONSES_AND_CHECK_NOTIFY: publish; true if the front end asked to be told. */
  pushResponses(): boolean {
    const old = this.rspProd;
    const now = this.rspProdPvt;
    this.rspProd = now;
    if (this.trace !== null && now > old) this.trace.emit(this.clock.now, this.traceNode, 'rsp-produce', this.name, now, now - old, this.reqProdPvt - this.rspCons);
    return old < this.rspEvent && this.rspEvent <= now;
  }
}
