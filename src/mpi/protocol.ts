/**
 * MPICH 1.2.7p1 ch_p4 wire constants (shared/research/presta-mpich.md §5). Every MPI message is one or
 * more p4 messages on the rank pair's TCP connection: a 32-byte p4 header and a body. The body
 * of a control p4 message is an MPID packet (header sizes for the heterogeneous layout, where
 * MPID_Aint is the 4-byte-aligned 8-byte struct); eager and rendezvous data travel as separate
 * p4 messages whose body is the user data.
 */

/** struct p4_net_msg_hdr: 8 x int32. */
export const P4_HEADER_BYTES = 32;
/** MPID_PKT_SHORT_T without its data (36 basic + 8 send_id); the data follows in the same packet. */
export const PKT_SHORT_BYTES = 44;
/** MPID_PKT_LONG_T: the eager control packet. */
export const PKT_LONG_BYTES = 44;
/** MPID_PKT_REQUEST_SEND_T: 36 + 8 (send_id) + 4 (len). */
export const PKT_REQUEST_SEND_BYTES = 48;
/** MPID_PKT_OK_TO_SEND_T: 24 + 8 (send_id) + 8 (recv_handle) + 4. */
export const PKT_OK_TO_SEND_BYTES = 44;
/** MPID_PKT_FLOW_T: PROTO_ACK and ACK_PROTO. */
export const PKT_FLOW_BYTES = 36;

/** Short protocol below this length (MPID_PKT_MAX_DATA_SIZE with MPID_HAS_HETERO). */
export const EAGER_MIN_BYTES = 16384;
/** Rendezvous at and above this length (chinit.c vlong_len). */
export const RNDV_MIN_BYTES = 128000;

/** chpackflow.h MPI_Pk_ackmark: the receiver sends a PROTO_ACK every this many counted packets. */
export const PACK_ACKMARK = 25;
/** chpackflow.h MPI_Pk_hiwater: a sender waits for a PROTO_ACK at this many unacknowledged packets. */
export const PACK_HIWATER = 40;

/** p4 SOCK_BUFF_SIZE: SO_SNDBUF/SO_RCVBUF requested on every p4 socket (the kernel doubles it). */
export const P4_SOCKBUF_BYTES = 16384;

/** Kinds of p4 message on a connection. Control kinds go to p4 type 0 and pass through MPID_DeviceCheck. */
export const SHORT = 0;
export const LONG = 1;
export const LONG_DATA = 2;
export const REQUEST_SEND = 3;
export const OK_TO_SEND = 4;
export const RNDV_DATA = 5;
export const PROTO_ACK = 6;
export const ACK_PROTO = 7;
export type MsgKind = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

export const KIND_NAMES = ['SHORT', 'LONG', 'LONG_DATA', 'REQUEST_SEND', 'OK_TO_SEND', 'RNDV_DATA', 'PROTO_ACK', 'ACK_PROTO'] as const;

export function isControl(kind: MsgKind): boolean {
  return kind !== LONG_DATA && kind !== RNDV_DATA;
}

/** Packets that packet flow control counts (PROTO_ACK and ACK_PROTO are not). */
export function isCounted(kind: MsgKind): boolean {
  return kind === SHORT || kind === LONG || kind === REQUEST_SEND || kind === OK_TO_SEND;
}

/** Body bytes of a p4 message of `kind` carrying `lenBytes` of user data. */
export function bodyBytes(kind: MsgKind, lenBytes: number): number {
  switch (kind) {
    case SHORT:
      return PKT_SHORT_BYTES + lenBytes;
    case LONG:
      return PKT_LONG_BYTES;
    case REQUEST_SEND:
      return PKT_REQUEST_SEND_BYTES;
    case OK_TO_SEND:
      return PKT_OK_TO_SEND_BYTES;
    case PROTO_ACK:
    case ACK_PROTO:
      return PKT_FLOW_BYTES;
    default:
      return lenBytes; // LONG_DATA, RNDV_DATA
  }
}

export type Protocol = 'short' | 'eager' | 'rendezvous';

export function protocolFor(lenBytes: number): Protocol {
  return lenBytes < EAGER_MIN_BYTES ? 'short' : lenBytes < RNDV_MIN_BYTES ? 'eager' : 'rendezvous';
}

/** Bytes one MPI message of `lenBytes` puts on the sender's and the receiver's side of the stream. */
export function wireBytesPerMessage(lenBytes: number): { forwardBytes: number; backwardBytes: number } {
  const h = P4_HEADER_BYTES;
  switch (protocolFor(lenBytes)) {
    case 'short':
      return { forwardBytes: h + PKT_SHORT_BYTES + lenBytes, backwardBytes: 0 };
    case 'eager':
      return { forwardBytes: h + PKT_LONG_BYTES + h + lenBytes, backwardBytes: 0 };
    default:
      return { forwardBytes: h + PKT_REQUEST_SEND_BYTES + h + lenBytes, backwardBytes: h + PKT_OK_TO_SEND_BYTES };
  }
}

/**
 * The record of one p4 message written on a connection. Sockets carry byte counts only, so the
 * writer keeps these in FIFO order and the reader consumes them as it reads the bytes.
 */
export interface P4Msg {
  kind: MsgKind;
  /** World rank of the sender. */
  src: number;
  tag: number;
  /** Communicator context: messages match only within one. */
  comm: number;
  /** User data length. */
  lenBytes: number;
  /** 32 + body: what the message occupies on the stream. */
  wireBytes: number;
  /** SHORT/LONG/LONG_DATA/REQUEST_SEND/OK_TO_SEND: the sender's request id (send_id). */
  sendId: number;
  /** OK_TO_SEND and RNDV_DATA: the receiver-chosen transfer tag (p4 type of the data). */
  rtag: number;
  /** Out-of-band payload for reductions (contents are not simulated otherwise). */
  value: number;
}
