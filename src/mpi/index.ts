export * from './protocol.js';
export * from './device.js';
export * from './collectives.js';
