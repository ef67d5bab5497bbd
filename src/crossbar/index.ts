export * from './kernels';
export * from './mapping';
export * from './crossbar';
export * from './digital';
export * from './tiling';
