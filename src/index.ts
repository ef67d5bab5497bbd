/**
 * CBRAM Lab: simulate neural-network training inside resistive memory.
 *
 * Layers, bottom up: core → device → crossbar → network → learning → pruning → energy → display.
 */
export * from './core';
