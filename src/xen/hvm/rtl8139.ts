/**
 * The NIC qemu-dm emulated for HVM guests in Xen 3.2/3.3 (rtl8139, qemu's default `-net nic`
 * model; xen tools/ioemu/hw/rtl8139.c) and the guest's Linux 2.6.18 driver for it (8139too.c),
 * each access of the driver's transmit, interrupt and NAPI poll paths one trap round trip
 * (ioreq.ts). Which accesses, as in drivers/net/8139too.c (2.6.18; RTL_W*_F = write + read back):
 *
 *  rtl8139_start_xmit   copy into tx_buf[entry]; RTL_W32_F(TxStatus[entry])          2 accesses
 *  rtl8139_interrupt    RTL_R16(IntrStatus); RTL_W16(IntrStatus, ackstat) if TxOK;
 *                       RTL_W16_F(IntrMask, norx) if RxOK and the poll is not scheduled;
 *                       rtl8139_tx_interrupt: RTL_R32(TxStatus[dirty]) per sent
 *                       descriptor and one more for a not-yet-sent one; then the EOI
 *  rtl8139_poll         RTL_R16(IntrStatus); rtl8139_rx: per frame RTL_R8(ChipCmd),
 *                       RTL_W16(RxBufPtr), rtl8139_isr_ack (RTL_R16(IntrStatus), and
 *                       RTL_W16_F(IntrStatus) if Rx bits are set); a last RTL_R8(ChipCmd)
 *                       finds the ring empty; RTL_W16_F(IntrMask, full) when done
 * Values read are the device's state when qemu handles the access, so what the driver does
 * next (ack or not, another frame or not) follows the emulated device, as on the real one.
 *
 * The device side (qemu's rtl8139.c): a TxStatus write sends the frame in that descriptor's
 * buffer at once (rtl8139_transmit: copy out of guest memory, qemu_send_packet), marks the
 * descriptor done and sets TxOK; a received frame is copied into the RX ring in guest memory
 * (header, frame, CRC, 4-byte aligned) and sets RxOK, if the ring has room (rtl8139_can_receive),
 * else it waits in the backend; IntrStatus bits are cleared by writing 1s; the IRQ line is
 * (IntrStatus & IntrMask) != 0.
 */
import type { Simulator } from '../../engine/simulator.js';
import type { ExecUnit } from '../../hw/exec-unit.js';
import { ETH_HEADER_BYTES, type NetDevice, type Packet } from '../../hw/packet.js';
import type { ProtocolInput } from '../../os/napi.js';
import type { HostParams } from '../../os/profile.js';
import type { HvmVcpu } from './ioreq.js';
import type { EmulatedNic } from './qemu.js';

/** Register offsets (RTL8139 datasheet, 8139too.c enum RTL8139_registers). */
export const REG = {
  TxStatus0: 0x10,
  ChipCmd: 0x37,
  RxBufPtr: 0x38,
  IntrMask: 0x3c,
  IntrStatus: 0x3e,
  /** A port no emulated device claims: qemu's default ioport handler (reads 0xff). */
  Unassigned: 0x80,
} as const;
const TX_OK = 0x04;
const RX_OK = 0x01;
const RX_BUF_EMPTY = 0x01;
/** rtl8139_intr_mask and rtl8139_norx_intr_mask, reduced to the bits modelled. */
const INTR_MASK_FULL = TX_OK | RX_OK;
const INTR_MASK_NORX = TX_OK;
const ETH_ZLEN = 60;
/** Frame bytes in the RX ring: 4-byte header, the frame, 4-byte CRC, rounded up to 4. */
function ringBytes(pkt: Packet): number {
  return (4 + Math.max(ETH_ZLEN, pkt.ipBytes + ETH_HEADER_BYTES) + 4 + 3) & ~3;
}

export interface Rtl8139Params {
  txDescriptors: number;
  rxBufBytes: number;
  rxNapiWeight: number;
  dmCopyNsPerByte: number;
  guestDriverPacketNs: number;
}

/** The emulated rtl8139 in the device model. */
export class Rtl8139Device implements EmulatedNic {
  isr = 0;
  imr = 0;
  private readonly txDone: boolean[];
  /** Frames the guest's driver put into each TX buffer (its memory, which qemu reads). */
  readonly txBuf: (Packet | null)[];
  /** Frames in the RX ring, oldest first, and the bytes they occupy. */
  readonly rxRing: Packet[] = [];
  rxRingUsedBytes = 0;
  maxRxRingUsedBytes = 0;
  private extraNs = 0;
  private sent: Packet | null = null;
  txFrames = 0;
  rxFrames = 0;

  constructor(readonly p: Rtl8139Params) {
    // rtl8139_hw_start has unmasked the interrupts the driver uses.
    this.imr = INTR_MASK_FULL;
    this.txDone = new Array<boolean>(p.txDescriptors).fill(false);
    this.txBuf = new Array<Packet | null>(p.txDescriptors).fill(null);
  }

  access(reg: number, write: boolean, value: number): number {
    const n = this.p.txDescriptors;
    if (reg >= REG.TxStatus0 && reg < REG.TxStatus0 + 4 * n) {
      const i = (reg - REG.TxStatus0) >> 2;
      if (!write) return this.txDone[i] ? 0x8000 : 0;
      // rtl8139_TxStatus_write -> rtl8139_transmit: the frame leaves at once.
      const pkt = this.txBuf[i];
      if (pkt === null || pkt === undefined) throw new Error(`rtl8139: TxStatus${i} written with an empty buffer`);
      this.txBuf[i] = null;
      this.txDone[i] = true;
      this.txFrames++;
      this.extraNs += (pkt.ipBytes + ETH_HEADER_BYTES) * this.p.dmCopyNsPerByte;
      this.sent = pkt;
      this.isr |= TX_OK;
      return 0;
    }
    switch (reg) {
      case REG.IntrStatus:
        if (write) this.isr &= ~value;
        return write ? 0 : this.isr;
      case REG.IntrMask:
        if (write) this.imr = value;
        return write ? 0 : this.imr;
      case REG.ChipCmd:
        return write ? 0 : this.rxRing.length === 0 ? RX_BUF_EMPTY : 0;
      case REG.RxBufPtr: {
        // CAPR: the driver has consumed the oldest frame; its ring bytes are free again.
        const pkt = this.rxRing.shift();
        if (pkt !== undefined) this.rxRingUsedBytes -= ringBytes(pkt);
        return 0;
      }
      default:
        return 0xff;
    }
  }

  /** The guest's driver reuses a TX buffer: its done flag is cleared when it is filled again. */
  fillTx(i: number, pkt: Packet): void {
    if (this.txBuf[i] !== null) throw new Error(`rtl8139: TX buffer ${i} refilled before it was sent`);
    this.txBuf[i] = pkt;
    this.txDone[i] = false;
  }

  isTxDone(i: number): boolean {
    return this.txDone[i]!;
  }

  takeExtraNs(): number {
    const x = this.extraNs;
    this.extraNs = 0;
    return x;
  }

  takeSent(): Packet | null {
    const s = this.sent;
    this.sent = null;
    return s;
  }

  canReceive(): boolean {
    // rtl8139_can_receive: room for a full frame (1514 + header and CRC).
    return this.p.rxBufBytes - this.rxRingUsedBytes >= 1514 + 8;
  }

  receiveNs(pkt: Packet): number {
    return ringBytes(pkt) * this.p.dmCopyNsPerByte;
  }

  receive(pkt: Packet): void {
    this.rxRing.push(pkt);
    this.rxRingUsedBytes += ringBytes(pkt);
    if (this.rxRingUsedBytes > this.maxRxRingUsedBytes) this.maxRxRingUsedBytes = this.rxRingUsedBytes;
    this.rxFrames++;
    this.isr |= RX_OK;
  }

  irqLevel(): boolean {
    return (this.isr & this.imr) !== 0;
  }
}

// The driver's steps that chain two things; a step that only calls a driver method is that method.
/** A driver step run when an access completes (typed events: `this` is the driver, v the value read). */
type Step = (this: Rtl8139Driver, v: number) => void;

const xmitCopied: Step = function () {
  this.cpu.access(REG.TxStatus0 + 4 * this.txEntry, true, this.txLen, xmitWritten, this);
};
const xmitWritten: Step = function () {
  this.cpu.access(REG.TxStatus0 + 4 * this.txEntry, false, 0, xmitFinishedFn, this);
};
const irqEntered: Step = function () {
  this.cpu.access(REG.IntrStatus, false, 0, irqStatusFn, this);
};
const irqMaskWritten: Step = function () {
  this.cpu.access(REG.IntrMask, false, 0, irqAfterMaskFn, this);
};
const rxPtrWritten: Step = function () {
  this.cpu.access(REG.IntrStatus, false, 0, rxAckStatusFn, this);
};
const rxAckWritten: Step = function () {
  this.cpu.access(REG.IntrStatus, false, 0, rxNextFn, this);
};
const pollMaskWritten: Step = function () {
  this.cpu.access(REG.IntrMask, false, 0, pollFinishedFn, this);
};
function kickLater(this: Rtl8139Driver): void {
  this.kickQueued = false;
  this.kick();
}
function onIrq(this: Rtl8139Driver): void {
  this.irqPending = true;
  this.kick();
}

/**
 * The guest's 8139too driver: the kernel's NetDevice. Its transmit, interrupt and poll paths
 * run one at a time on the guest VCPU (the driver's locks and irq-disabled sections), each a
 * chain of accesses; packets TCP hands it meanwhile wait in the qdisc (txqueuelen).
 */
export class Rtl8139Driver implements NetDevice {
  readonly name = 'eth0';
  readonly mtuBytes = 1500;
  readonly tso = false;
  private busy = false;
  kickQueued = false;
  irqPending = false;
  private pollPending = false;
  private pollScheduled = false;
  private readonly qdisc: Packet[] = [];
  private curTx = 0;
  private dirtyTx = 0;
  txEntry = 0;
  txLen = 0;
  private irqStatusValue = 0;
  private received = 0;
  private rxPkt: Packet | null = null;
  txPackets = 0;
  rxPackets = 0;
  txDrops = 0;
  maxQdisc = 0;
  /** The IRQ line as Xen sees it (set by the node builder). */
  lineHigh: () => boolean = () => false;

  constructor(
    readonly sim: Simulator,
    readonly cpu: HvmVcpu,
    readonly dev: Rtl8139Device,
    private readonly input: ProtocolInput,
    private readonly host: HostParams,
    private readonly p: Rtl8139Params,
    private readonly txQueueLen: number,
  ) {
    cpu.irqTarget = this;
  }

  /** Xen injects the device's interrupt: the handler runs on the guest VCPU. */
  interrupt(): void {
    this.cpu.inject(onIrq);
  }

  rxTruesizeBytes(ipBytes: number): number {
    // dev_alloc_skb(pkt_size + 2): a linear skb of the frame's size.
    return ipBytes + ETH_HEADER_BYTES + 2 + this.host.skbOverheadBytes;
  }

  send(pkt: Packet, _cpu: ExecUnit): boolean {
    if (pkt.segs > 1) throw new Error('rtl8139: a TSO super-segment (the emulated NIC has no TSO)');
    if (this.qdisc.length >= this.txQueueLen) {
      this.txDrops++;
      return false;
    }
    this.qdisc.push(pkt);
    if (this.qdisc.length > this.maxQdisc) this.maxQdisc = this.qdisc.length;
    this.kick();
    return true;
  }

  /** Start the next driver path if none runs: the interrupt first, then the poll, then a transmit. */
  kick(): void {
    if (this.busy || this.kickQueued) return;
    if (this.cpu.inAccess) {
      // Called from outside the VCPU (a TCP timer) while guest code waits in an access (a
      // process's inb): the driver runs when the VCPU does.
      this.kickQueued = true;
      this.cpu.run(0, kickLater, this);
      return;
    }
    if (this.irqPending) {
      this.irqPending = false;
      this.busy = true;
      irqEntered.call(this, 0);
      return;
    }
    if (this.pollPending) {
      this.pollPending = false;
      this.busy = true;
      this.received = 0;
      this.cpu.access(REG.IntrStatus, false, 0, pollStatusFn, this);
      return;
    }
    if (this.qdisc.length > 0 && this.curTx - this.dirtyTx < this.p.txDescriptors) {
      const pkt = this.qdisc.shift()!;
      this.busy = true;
      this.txEntry = this.curTx % this.p.txDescriptors;
      this.txLen = Math.max(ETH_ZLEN, pkt.ipBytes + ETH_HEADER_BYTES);
      this.dev.fillTx(this.txEntry, pkt);
      // skb_copy_and_csum_dev into tx_buf[entry], and the driver's bookkeeping.
      this.cpu.run(this.p.guestDriverPacketNs + this.txLen * this.host.copyNsPerByte, xmitCopied, this);
    }
  }

  private done(): void {
    this.busy = false;
    this.kick();
  }

  xmitFinished(): void {
    this.curTx++;
    this.txPackets++;
    this.done();
  }

  irqStatus(status: number): void {
    this.irqStatusValue = status;
    const ack = status & TX_OK;
    if (ack !== 0) this.cpu.access(REG.IntrStatus, true, ack, irqAfterAckFn, this);
    else this.irqAfterAck();
  }

  irqAfterAck(): void {
    if ((this.irqStatusValue & RX_OK) !== 0 && !this.pollScheduled) {
      // netif_rx_schedule: the poll runs after this handler.
      this.pollScheduled = true;
      this.pollPending = true;
      this.cpu.access(REG.IntrMask, true, INTR_MASK_NORX, irqMaskWritten, this);
      return;
    }
    this.irqAfterMask();
  }

  irqAfterMask(): void {
    if ((this.irqStatusValue & TX_OK) !== 0 && this.dirtyTx < this.curTx) {
      this.cpu.access(REG.TxStatus0 + 4 * (this.dirtyTx % this.p.txDescriptors), false, 0, txStatusReadFn, this);
      return;
    }
    this.irqEnd();
  }

  txStatusRead(v: number): void {
    if ((v & 0x8000) !== 0) {
      this.dirtyTx++;
      if (this.dirtyTx < this.curTx) {
        this.cpu.access(REG.TxStatus0 + 4 * (this.dirtyTx % this.p.txDescriptors), false, 0, txStatusReadFn, this);
        return;
      }
    }
    this.irqEnd();
  }

  private irqEnd(): void {
    this.cpu.eoi();
    // Level-triggered: at the EOI Xen's virtual IO-APIC delivers again if the line is still up.
    if (this.lineHigh()) this.interrupt();
    this.done();
  }

  pollStatus(v: number): void {
    if ((v & RX_OK) !== 0) {
      this.cpu.access(REG.ChipCmd, false, 0, rxCmdFn, this);
      return;
    }
    this.pollDone();
  }

  rxCmd(v: number): void {
    if ((v & RX_BUF_EMPTY) !== 0 || this.received >= this.p.rxNapiWeight) {
      if (this.received === 0) {
        // rtl8139_isr_ack when nothing was received.
        this.cpu.access(REG.IntrStatus, false, 0, rxAckStatusFn, this);
        return;
      }
      this.pollDone();
      return;
    }
    // The frame at the ring's head, read from guest memory (no access): copy into a new skb.
    const pkt = this.dev.rxRing[0]!;
    this.rxPkt = pkt;
    this.cpu.run(this.host.rxPacketNs + this.p.guestDriverPacketNs + (pkt.ipBytes + ETH_HEADER_BYTES) * this.host.copyNsPerByte, rxDeliverFn, this);
  }

  rxDeliver(): void {
    const pkt = this.rxPkt!;
    this.rxPkt = null;
    this.received++;
    this.rxPackets++;
    this.input.netifReceive(pkt, this.cpu);
    this.cpu.access(REG.RxBufPtr, true, 0, rxPtrWritten, this);
  }

  rxAckStatus(v: number): void {
    if ((v & RX_OK) !== 0) {
      this.cpu.access(REG.IntrStatus, true, RX_OK, rxAckWritten, this);
      return;
    }
    this.rxNext();
  }

  rxNext(): void {
    if (this.received === 0) {
      this.pollDone();
      return;
    }
    this.cpu.access(REG.ChipCmd, false, 0, rxCmdFn, this);
  }

  private pollDone(): void {
    if (this.received >= this.p.rxNapiWeight) {
      // Budget used: the poll stays scheduled and runs again.
      this.pollPending = true;
      this.done();
      return;
    }
    this.cpu.access(REG.IntrMask, true, INTR_MASK_FULL, pollMaskWritten, this);
  }

  pollFinished(): void {
    this.pollScheduled = false;
    this.done();
  }
}

// Event methods as constants (see vcpu.ts: `Class.prototype.method` at a call site costs a LoadIC).
const xmitFinishedFn = Rtl8139Driver.prototype.xmitFinished;
const irqStatusFn = Rtl8139Driver.prototype.irqStatus;
const irqAfterMaskFn = Rtl8139Driver.prototype.irqAfterMask;
const rxAckStatusFn = Rtl8139Driver.prototype.rxAckStatus;
const rxNextFn = Rtl8139Driver.prototype.rxNext;
const pollFinishedFn = Rtl8139Driver.prototype.pollFinished;
const pollStatusFn = Rtl8139Driver.prototype.pollStatus;
const irqAfterAckFn = Rtl8139Driver.prototype.irqAfterAck;
const txStatusReadFn = Rtl8139Driver.prototype.txStatusRead;
const rxCmdFn = Rtl8139Driver.prototype.rxCmd;
const rxDeliverFn = Rtl8139Driver.prototype.rxDeliver;
