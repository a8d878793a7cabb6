export * from './protocol.js';
export * from './device.js';
