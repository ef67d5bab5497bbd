/**
 * CBRAM Lab: simulate neural-network training inside resistive memory.
 *
 * Layers, bottom up: core → device → crossbar → network → learning → pruning, with the energy
 * ledger as the accounting service they report into, and data (MNIST) beside them. The display
 * protocol (./display/protocol.ts) lets any object say how a notebook shows it.
 */
export * from './core';
export * from './device';
export * from './crossbar';
export * from './energy';
export * from './data';
export * from './network';
export * from './pruning';
export * from './learning';
export * from './sweep';
export * from './display/protocol';
