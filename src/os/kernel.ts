/**
 * A host kernel: a native Linux on a node, or a guest kernel under Xen. It owns TCP connections,
 * the loopback device and the device that leads off the host, and charges protocol work to its
 * CPUs (cores, or virtual CPUs under Xen). The receive softirq runs on one CPU (where the NIC's
 * interrupt is routed); process-context work runs on the calling process's CPU.
 */
import type { Simulator } from '../engine/simulator.js';
import type { ExecUnit } from '../hw/exec-unit.js';
import type { NetDevice, Packet } from '../hw/packet.js';
import { LoopbackDevice } from './loopback.js';
import { NapiPoller, type ProtocolInput } from './napi.js';
import type { HostParams } from './profile.js';
import type { StreamSocket } from './socket.js';
import { type TcpConnOptions, TcpConn, type TcpHost } from './tcp.js';

/** One end of a connection as the runner counts it: a stream socket and its receive-memory drops. */
export interface HostConnection extends StreamSocket {
  readonly rcvPruneDrops: number;
}

export class Kernel implements TcpHost, ProtocolInput {
  readonly loopback: LoopbackDevice;
  private device: NetDevice | null = null;
  /** Host routes: a device for one peer address (an inter-domain channel to a co-located domain). */
  private readonly routes = new Map<number, NetDevice>();
  private nextPort = 1024;
  readonly connections: TcpConn[] = [];
  fragmentChargeBytes = 0;
  fragmentCharges = 0;

  constructor(
    readonly sim: Simulator,
    readonly name: string,
    readonly address: number,
    readonly params: HostParams,
    readonly units: readonly ExecUnit[],
    readonly softirqUnit: ExecUnit = units[0]!,
  ) {
    this.loopback = new LoopbackDevice(params.loopbackMtuBytes, params.skbOverheadBytes);
    this.loopback.attach(new NapiPoller(sim, this, softirqUnit, this.loopback, params.rxPacketNs, 0));
  }

  /** The device for traffic to other hosts (a NIC, or netfront under Xen). */
  attachDevice(dev: NetDevice): void {
    this.device = dev;
  }

  /** Send to `address` through `dev` instead of the default device (connections opened later). */
  addRoute(address: number, dev: NetDevice): void {
    this.routes.set(address, dev);
  }

  /** The device this kernel reaches `address` through (a host route, else the default device). */
  private deviceTo(address: number): NetDevice | null {
    return this.routes.get(address) ?? this.device;
  }

  netifReceive(pkt: Packet, unit: ExecUnit): void {
    (pkt.to as TcpConn).input(pkt, unit);
  }

  noteFragmentCharge(bytes: number): void {
    this.fragmentChargeBytes += bytes;
    this.fragmentCharges++;
  }

  /**
   * Open a connection to `peer` as a process sees it (MPI, workloads): Linux TCP here; a kernel
   * with another stack (a Mini-OS domain's lwIP) overrides this and allConnections.
   */
  open(peer: Kernel, opts: TcpConnOptions = {}): [HostConnection, HostConnection] {
    return this.connect(peer, opts);
  }

  /** Every connection end on this kernel, whatever its stack (the runner's drop and loss counts). */
  get allConnections(): readonly HostConnection[] {
    return this.connections;
  }

  /**
   * Open a Linux TCP connection from this kernel to `peer` (which may be this kernel: loopback). The
   * three-way handshake is not simulated; connections are opened outside timed regions.
   */
  connect(peer: Kernel, opts: TcpConnOptions = {}): [TcpConn, TcpConn] {
    const local = peer === this;
    const devA = local ? this.loopback : this.deviceTo(peer.address);
    const devB = local ? peer.loopback : peer.deviceTo(this.address);
    if (devA === null || devB === null) throw new Error(`kernel ${local ? this.name : devA === null ? this.name : peer.name} has no network device`);
    const portA = this.nextPort++;
    const portB = peer.nextPort++;
    const a = new TcpConn(this, devA, peer.address, opts, portA, peer.name, portB);
    const b = new TcpConn(peer, devB, this.address, opts, portB, this.name, portA);
    TcpConn.pair(a, b);
    this.connections.push(a);
    if (!local) peer.connections.push(b);
    else this.connections.push(b);
    return [a, b];
  }
}
