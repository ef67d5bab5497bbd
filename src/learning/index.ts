export * from './config';
export * from './stdp';
export * from './trainer';
export * from './evaluate';
export * from './checkpoint';
export * from './lif-trainer';
export * from './record';
