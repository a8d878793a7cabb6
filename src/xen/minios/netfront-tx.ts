/**
 * Mini-OS netfront's transmit side and its RX buffer posting (Xen 3.3 extras/mini-os/netfront.c),
 * shared by the stub domain's qemu (src/xen/hvm/hosts.ts) and Mini-OS application domains
 * (domain.ts). netfront_xmit takes a ring slot for a frame already copied into a granted page and
 * notifies netback if it asked; with the ring full the sender waits its turn (tx_sem), so frames
 * wait here in order. network_tx_buf_gc collects the responses and asks for the next event at
 * half the outstanding requests.
 */
import { Fifo } from '../../engine/queue.js';
import type { Packet } from '../../hw/packet.js';
import type { Vif } from '../netback.js';
import type { Vcpu } from '../vcpu.js';

export class MiniosNetfrontTx {
  private readonly backlog = new Fifo<Packet>();
  txPackets = 0;
  /** Most frames ever waiting for a ring slot. */
  maxBacklog = 0;

  constructor(
    readonly vif: Vif,
    readonly vcpu: Vcpu,
  ) {}

  /** Post every RX buffer, one page each (at start, outside timed work). */
  postAllRx(): void {
    const ring = this.vif.rx;
    for (let i = ring.freeRequests(); i > 0; i--) ring.putRequest(i);
    ring.pushRequests();
  }

  /** netfront_xmit: a ring slot now, or wait for one behind the frames already waiting. */
  send(pkt: Packet): void {
    this.collect();
    if (this.backlog.length > 0 || this.vif.tx.freeRequests() === 0) {
      this.backlog.push(pkt);
      if (this.backlog.length > this.maxBacklog) this.maxBacklog = this.backlog.length;
      return;
    }
    this.post(pkt);
  }

  /** network_tx_buf_gc, then the waiting frames into the slots it freed. */
  collect(): void {
    const ring = this.vif.tx;
    ring.collectTxResponses();
    while (this.backlog.length > 0 && ring.freeRequests() > 0) this.post(this.backlog.shift()!);
  }

  private post(pkt: Packet): void {
    const ring = this.vif.tx;
    ring.putRequest(pkt);
    this.txPackets++;
    if (ring.pushRequests()) this.vif.evtchn.notifyBackend(this.vcpu);
    else this.vif.evtchn.suppressedToBackend();
  }
}
