/**
 * A Mini-OS application domain (Xen 3.3 extras/mini-os, stubdom/; docs/model-minios.md): one
 * VCPU that the hypervisor's SEDF scheduler runs (src/xen/vcpu.ts), a cooperative thread
 * scheduler on it (sched.c: a thread runs until it blocks; no preemption and no timer-tick
 * work of a Linux guest), the MPI rank's thread, lwIP's tcpip thread, and Mini-OS netfront.
 *
 * The VCPU runs its work items one at a time in order: that is the cooperative scheduler. A
 * thread switch is charged where one happens (a frame posted to the tcpip thread's mailbox, a
 * netconn call's message and reply, the rank's wake-up: HostParams.wakeupNs).
 *
 * Netfront (netfront.c, lwip-net.c): TX copies the frame into a granted page, takes a ring slot
 * and notifies netback if it asked; a full ring makes the sender wait its turn (tx_sem). RX: all
 * 256 buffers are posted at start and netback fills them by grant copy; the event handler takes
 * each response, reposts the page, allocates a pbuf from the pool (PBUF_POOL_SIZE: the frame is
 * dropped if none is left), copies the frame into it and posts it to the tcpip thread's mailbox
 * (dropped if full); the tcpip thread runs tcp_input. A pbuf holding data stays allocated until
 * the application has read it.
 */
import { Fifo } from '../../engine/queue.js';
import type { Simulator } from '../../engine/simulator.js';
import { ETH_HEADER_BYTES, type Packet } from '../../hw/packet.js';
import type { EventHandler } from '../evtchn.js';
import type { Vif } from '../netback.js';
import type { Vcpu } from '../vcpu.js';
import type { LwipConn } from './lwip.js';
import type { MiniosParams } from './params.js';
import { MiniosNetfrontTx } from './netfront-tx.js';

export class MiniosDomain implements EventHandler {
  readonly conns: LwipConn[] = [];
  /** Netfront's transmit side (shared with the stub domain's qemu). */
  readonly tx: MiniosNetfrontTx;
  /** The tcpip thread's mailbox. */
  private readonly mbox = new Fifo<Packet>();
  private tcpipScheduled = false;
  private fastTimerArmed = false;
  /** pbufs from the pool in use now, and the most ever. */
  pbufsUsed = 0;
  maxPbufsUsed = 0;
  maxMbox = 0;
  /** Frames dropped: no pbuf left, or the tcpip mailbox full. */
  pbufDrops = 0;
  mboxDrops = 0;
  rxPackets = 0;

  constructor(
    readonly sim: Simulator,
    readonly name: string,
    readonly address: number,
    readonly vcpu: Vcpu,
    readonly vif: Vif,
    private readonly p: MiniosParams,
  ) {
    this.tx = new MiniosNetfrontTx(vif, vcpu);
  }

  /** Post every RX buffer (at start, outside timed work). */
  open(): void {
    this.tx.postAllRx();
  }

  get drops(): number {
    return this.pbufDrops + this.mboxDrops;
  }

  // ------------------------------------------------------------------ TX

  /** Queue a segment's output work (`ns`: lwIP output, checksum, the copy into a page); then netfront_xmit. */
  transmit(pkt: Packet, ns: number): void {
    this.vcpu.run(ns, xmitFn, this, pkt);
  }

  xmit(pkt: Packet): void {
    this.tx.send(pkt);
  }

  // ------------------------------------------------------------------ RX

  /** netfront_handler (event upcall): TX responses, then every RX response into a pbuf. */
  onEvent(): void {
    this.tx.collect();
    const ring = this.vif.rx;
    let taken = 0;
    do {
      while (ring.unconsumedResponses() > 0) {
        const pkt = ring.takeResponse();
        // The page goes back to the ring at once (re-granted, no page flip).
        ring.putRequest(0);
        taken++;
        this.rxPackets++;
        if (this.pbufsUsed >= this.p.pbufPoolSize) {
          // pbuf_alloc(PBUF_POOL) failed: lwip-net.c drops the frame.
          this.pbufDrops++;
          this.vcpu.run(this.p.netfrontPacketNs);
          continue;
        }
        this.pbufsUsed++;
        if (this.pbufsUsed > this.maxPbufsUsed) this.maxPbufsUsed = this.pbufsUsed;
        this.vcpu.run(this.p.netfrontPacketNs + (pkt.ipBytes + ETH_HEADER_BYTES) * this.p.copyNsPerByte, mboxPostFn, this, pkt);
      }
    } while (ring.finalCheckForResponses());
    if (taken > 0 && ring.pushRequests()) this.vif.evtchn.notifyBackend(this.vcpu);
  }

  /** tcpip_input: post to the tcpip thread's mailbox (trypost: dropped when full). */
  mboxPost(pkt: Packet): void {
    if (this.mbox.length >= this.p.mboxSlots) {
      this.mboxDrops++;
      this.pbufFree();
      return;
    }
    this.mbox.push(pkt);
    if (this.mbox.length > this.maxMbox) this.maxMbox = this.mbox.length;
    if (!this.tcpipScheduled) {
      // The tcpip thread was blocked on its mailbox: schedule() switches to it.
      this.tcpipScheduled = true;
      this.vcpu.run(this.p.threadSwitchNs, tcpipNextFn, this);
    }
  }

  /** The tcpip thread takes the next message: ip_input and tcp_input. */
  tcpipNext(): void {
    const pkt = this.mbox.shift()!;
    this.vcpu.run(this.p.tcpInputNs + pkt.len * this.p.checksumNsPerByte, tcpipInputFn, this, pkt);
  }

  tcpipInput(pkt: Packet): void {
    const conn = pkt.to as LwipConn;
    if (!conn.input(pkt)) this.pbufFree();
    if (this.mbox.length > 0) this.tcpipNext();
    else this.tcpipScheduled = false;
  }

  pbufFree(): void {
    this.pbufsUsed--;
  }

  // ------------------------------------------------------------------ timers

  /** A delayed ACK is pending: make sure the next tcp_fasttmr tick (every fastTimerNs) is queued. */
  armFastTimer(): void {
    if (this.fastTimerArmed) return;
    this.fastTimerArmed = true;
    const t = this.p.fastTimerNs;
    this.sim.at((Math.floor(this.sim.now / t) + 1) * t, fastTickFn, this);
  }

  fastTick(): void {
    this.fastTimerArmed = false;
    let pending = false;
    for (const c of this.conns) if (c.ackDelay) pending = true;
    if (!pending) return;
    // The tcpip thread wakes for its timeout, then tcp_fasttmr walks the connections.
    this.vcpu.run(this.p.threadSwitchNs, fastTimerRunFn, this);
  }

  fastTimerRun(): void {
    for (const c of this.conns) c.fastTimer();
  }
}

// Event methods as constants (see vcpu.ts: `Class.prototype.method` at a call site costs a LoadIC).
const xmitFn = MiniosDomain.prototype.xmit;
const mboxPostFn = MiniosDomain.prototype.mboxPost;
const tcpipNextFn = MiniosDomain.prototype.tcpipNext;
const tcpipInputFn = MiniosDomain.prototype.tcpipInput;
const fastTickFn = MiniosDomain.prototype.fastTick;
const fastTimerRunFn = MiniosDomain.prototype.fastTimerRun;
