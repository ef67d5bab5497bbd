export * from './params';
export * from './spec';
export * from './results';
export * from './trial';
export * from './local';
export * from './slurm';
export * from './analysis';
